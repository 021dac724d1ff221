"""Building surveys and scheduling waves: `rules` and `details` (pure), `versions` and `waves`
(services).

What a question code means, wherever it is asked:
- A question code is capital letters, digits and underscores, starting with a letter
  (SAFE_DARK), unique in its version, and fixed once the question is added.
- A code keeps one meaning. A question bank code means the bank's question: a question of the
  office's own cannot take one (add the bank's question instead), and a bank question may be
  reworded but keeps the bank's type, answer codes and rating scale. Likewise a code asked in an
  earlier locked version of the same survey keeps that version's type, answer codes and scale.
  To ask something else, give it a new code.
- A locked version (one a wave has used) is never changed; "Make a new version" copies it with
  its codes, so later waves stay comparable with earlier ones.
"""
