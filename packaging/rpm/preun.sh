# bao-kms-provider %preun: on erase ($1 = 0), stops the service if systemd runs it. An upgrade
# leaves it running: restart each node yourself, one at a time.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl stop bao-kms-provider.service >/dev/null 2>&1 || true
fi
exit 0
