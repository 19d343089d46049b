# bao-kms-provider %postun: reloads systemd. rpm has no purge: config, credentials and state in
# /etc/openbao-kms and /var/lib/openbao-kms stay until removed by hand.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
