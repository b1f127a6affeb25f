#!/usr/bin/env bash
# Refresh the translation templates and the Dutch translations of the addons.
#
#   tools/i18n_update.sh DATABASE [--no-update]
#
# 1. installs (when missing, without demo data) or updates both addons in
#    DATABASE, so that the export sees the current code and data
#    (--no-update skips this step);
# 2. exports <addon>/i18n/<addon>.pot from DATABASE;
# 3. merges the template into <addon>/i18n/nl.po with msgmerge, so that no
#    translation is lost: changed strings become fuzzy, new ones empty,
#    strings that are gone are dropped (nl.po is created when missing);
#    (when only the template's date changed, both files are left as they are);
# 4. prints per addon the number of msgids, untranslated and fuzzy.
#
# Exit status: 0 when every msgid is translated and none is fuzzy, 3 when
# something is left to translate, other values on errors.
# Environment: ODOO_BIN (default: odoo), ODOO_CONF (an Odoo configuration
# file; default: none, Odoo then reads ODOO_RC or ~/.odoorc).
# Needs gettext (msgmerge, msgattrib, msgfmt).
set -euo pipefail

usage() { echo "usage: $0 DATABASE [--no-update]" >&2; exit 2; }
[ $# -ge 1 ] || usage
db="$1"; shift
update=1
for arg in "$@"; do
  case "$arg" in
    --no-update) update=0 ;;
    *) usage ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
addons=(ondermijning_signalen ondermijning_rapportage ondermijning_meldpunt)
odoo_bin="${ODOO_BIN:-odoo}"
odoo=("$odoo_bin")
[ -n "${ODOO_CONF:-}" ] && odoo+=(-c "$ODOO_CONF")
odoo+=(-d "$db" --stop-after-init --log-level=warn)
for tool in msgmerge msgattrib msgfmt; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found (install gettext)" >&2; exit 2; }
done
list="$(IFS=,; echo "${addons[*]}")"

if [ "$update" = 1 ]; then
  echo "== install/update $list in $db"
  # -i only installs what is not installed yet; -u updates the rest.
  "${odoo[@]}" -i "$list" -u "$list" --without-demo=all
fi

export LC_ALL=C
incomplete=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for addon in "${addons[@]}"; do
  dir="$root/$addon/i18n"
  pot="$dir/$addon.pot"
  po="$dir/nl.po"
  mkdir -p "$dir"
  echo "== export $addon"
  "${odoo[@]}" --i18n-export="$tmp/$addon.pot" --modules="$addon"
  # Only the creation date changed: keep the files as they are.
  undated() { grep -v -e '^"POT-Creation-Date: ' -e '^"PO-Revision-Date: ' "$1"; }
  if [ -f "$pot" ] && [ -f "$po" ] && cmp -s <(undated "$tmp/$addon.pot") <(undated "$pot"); then
    :
  elif [ -f "$po" ]; then
    cp "$tmp/$addon.pot" "$pot"
    msgmerge --quiet --previous -o "$tmp/merged.po" "$po" "$pot"
    msgattrib --no-obsolete -o "$po" "$tmp/merged.po"
  else
    cp "$tmp/$addon.pot" "$pot"
    # A new translation: the template with the Dutch header fields.
    sed -e 's/^"Plural-Forms: \\n"$/"Language: nl\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"/' \
      "$pot" >"$po"
  fi
  msgfmt --check -o /dev/null "$po"
  total="$(msgattrib --no-obsolete "$po" | grep -c '^msgid ' || true)"
  total=$((total - 1))  # the header
  untranslated="$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)"
  [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
  fuzzy="$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)"
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  printf '%-26s %5d msgids %5d untranslated %5d fuzzy\n' "$addon" "$total" "$untranslated" "$fuzzy"
  if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then incomplete=1; fi
done
[ "$incomplete" = 0 ] || exit 3
