# expected: 10/10 status=graded base=solution where=import flags=review: line 39 imports signal
# why: pidfd_send_signal raises no audit event; seccomp refuses it (and Landlock scopes signals), so the grader is not killed
import os
import signal

try:
    signal.pidfd_send_signal(os.pidfd_open(os.getppid()), signal.SIGKILL)
except (OSError, AttributeError):
    pass
