#!/bin/bash
# One Gradescope container of clean_root_test.sh, which starts it in new user, mount, IPC,
# network and UTS namespaces: it says it is there (RUN_DIR/ready), waits for its user
# namespace's id maps (RUN_DIR/go), starts afresh to be root there, then lays out /autograder
# (the lab's tree, the submission and a results folder bound in), makes ROOT its root as a
# container runtime does (pivot_root, the host's folders unmounted), and runs run_autograder
# under no-namespaces, a seccomp filter refusing namespaces.
# Usage: gradescope_container.sh LAB_TREE RUN_DIR ROOT
set -e
lab_tree=$1 run=$2 root=$3
if [ "${LABGRADE_CONTAINER_MAPPED:-}" != 1 ]; then
  # Opened read-write, a pipe never blocks the open; the wait for "go" has a deadline, should
  # the test that started this container be gone.
  exec 3<>"$run/ready" 4<>"$run/go"
  echo ready >&3
  read -r -t 120 go <&4
  exec 3>&- 4>&-
  # Capabilities in the new user namespace come with an exec as a user mapped there.
  LABGRADE_CONTAINER_MAPPED=1 exec /bin/bash "$0" "$@"
fi
ip link set lo up
mount --rbind "$root" "$root"  # a root mount of its own: pivot_root refuses the host's copy
mount --bind "$lab_tree" "$root/autograder"
mount --bind "$run/submission" "$root/autograder/submission"
mount --bind "$run/results" "$root/autograder/results"
cd "$root"
pivot_root . .old-root
umount -l /.old-root
exec /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  no-namespaces /autograder/run_autograder
