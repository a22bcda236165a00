#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (test/web/), with a Japanese font for
# readable screenshots; installs them with apt-get when missing and this machine allows it (root, or sudo without a
# password). Prints one line; exits 1 when Chromium is not available (the browser tests then skip, saying why).
set -u
CHROMIUM=/usr/bin/chromium
has_ja_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ja family 2>/dev/null | head -n 1)" ]; }
if [ -x "$CHROMIUM" ] && has_ja_font; then
  echo "Chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  [ -x "$CHROMIUM" ] && { echo "Chromium: $CHROMIUM (no Japanese font; screenshots may show boxes)"; exit 0; }
  echo "Chromium: not installed at $CHROMIUM and no apt-get on this machine (install Debian's chromium package to run the browser tests)"
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    [ -x "$CHROMIUM" ] && { echo "Chromium: $CHROMIUM (no Japanese font; screenshots may show boxes)"; exit 0; }
    echo "Chromium: not installed at $CHROMIUM and installing needs root (run: sudo apt-get install -y chromium fonts-noto-cjk)"
    exit 1
  fi
fi
LOG=/tmp/tsunagu-ensure-chromium.log
# Test files start in parallel: one apt-get at a time, the others wait and find it installed.
exec 9>/tmp/tsunagu-ensure-chromium.lock
command -v flock >/dev/null 2>&1 && flock -w 600 9
packages=()
[ -x "$CHROMIUM" ] || packages+=(chromium)
has_ja_font || packages+=(fonts-noto-cjk)
if [ ${#packages[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be missing or old on a fresh machine: update once and try again.
  $SUDO apt-get install -y -qq "${packages[@]}" >"$LOG" 2>&1 || {
    $SUDO apt-get update -qq >>"$LOG" 2>&1
    $SUDO apt-get install -y -qq "${packages[@]}" >>"$LOG" 2>&1
  }
fi
if [ -x "$CHROMIUM" ]; then
  echo "Chromium: $("$CHROMIUM" --version 2>/dev/null)${packages[*]:+ (installed: ${packages[*]})}"
  exit 0
fi
echo "Chromium: apt-get could not install it (see $LOG)"
exit 1
