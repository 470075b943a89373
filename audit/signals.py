"""What the audit app announces to the apps above it, which it never imports. Receivers run
inside the sender's transaction."""

from django.dispatch import Signal

# Sent by verify_and_record for each chain whose verification did not pass (broken, timed
# out, failed): chain=, status=, reason=, broken_at= (a sequence or None), run=.
chain_verification_failed = Signal()
