#!/bin/sh
# The SSH engines as on a host without bash: no host shell, each job on a
# channel of its own (LABRAT_SSH_NO_SHELL=1) -- the whole of
# ssh_backend.sh run that way.
LABRAT_SSH_NO_SHELL=1
export LABRAT_SSH_NO_SHELL
. "$LABRAT_SRCDIR/tests/e2e/ssh_backend.sh"
