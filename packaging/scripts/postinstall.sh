#!/bin/sh
# bao-kms-provider post-install (the .deb's postinst and the .rpm's %post): creates the users
# and directories, reloads systemd. Warns and goes on when a tool is missing; never enables or
# starts the service, and never fails the installation.
set -eu

warn() { echo "bao-kms-provider: warning: $*" >&2; }

if command -v systemd-sysusers >/dev/null 2>&1; then
  systemd-sysusers /usr/lib/sysusers.d/openbao-kms.conf || warn "systemd-sysusers failed; create the users by hand (see the file)"
else
  warn "systemd-sysusers not found: create the openbao-kms user and groups as in /usr/lib/sysusers.d/openbao-kms.conf"
fi
if command -v getent >/dev/null 2>&1; then
  for name in openbao-kms openbao-kms-socket; do
    getent group "$name" >/dev/null 2>&1 || warn "group $name does not exist"
  done
  getent passwd openbao-kms >/dev/null 2>&1 || warn "user openbao-kms does not exist"
else
  warn "getent not found: could not check that the openbao-kms user and groups exist"
fi

if command -v systemd-tmpfiles >/dev/null 2>&1; then
  systemd-tmpfiles --create /usr/lib/tmpfiles.d/openbao-kms.conf || warn "systemd-tmpfiles failed; create the directories as in /usr/lib/tmpfiles.d/openbao-kms.conf"
else
  warn "systemd-tmpfiles not found: create the directories as in /usr/lib/tmpfiles.d/openbao-kms.conf"
fi

# Only when systemd is the running init (not in a container or chroot build).
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload || warn "systemctl daemon-reload failed"
fi

# printf and echo are shell builtins: the message needs no tool that could be missing.
printf '%s\n' \
  "bao-kms-provider: installed, not enabled and not started. Next:" \
  "  1. write /etc/openbao-kms/config.toml (root:openbao-kms 0640) from /usr/share/doc/bao-kms-provider/config.toml" \
  "  2. put OpenBao's CA in /etc/openbao-kms/tls/ca.crt (root:root 0644) and the JWT in /var/lib/openbao-kms/identity.jwt (root:openbao-kms 0640)" \
  "  3. add kube-apiserver's user to the group openbao-kms-socket (only that group)" \
  "  4. then: systemctl enable --now bao-kms-provider.service" >&2
exit 0
