#!/usr/bin/env bash
# browser.sh - render a report model with a hostile device and check what headless Chromium
# makes of it: the page renders, the SVG charts are in the DOM, the page title is unchanged
# (no device-supplied script ran), the hostile strings are there as text, and a screenshot
# and a PDF print succeed. A control page with a live script proves the check can fail.
#
#   tests/report/browser.sh CAMSWEEP MODEL.json CHARTS SUMMARY_CHARTS [OUTDIR]
#
# Exit 0 passed, 1 failed, 77 skipped (no chromium, and neither CI nor CS_REQUIRE_CHROMIUM set).
# Chromium runs in a new network namespace when it can (unshare -n as root, or -rn), so it
# cannot send a packet anywhere; the page itself loads nothing (its CSP forbids it).
set -u
bin=$1 model=$2 want_svg=$3 want_summary_svg=$4
out=${5:-}

chromium=""
for c in chromium chromium-browser; do
	if command -v "$c" >/dev/null 2>&1; then
		chromium=$(command -v "$c")
		break
	fi
done
if [ -z "$chromium" ]; then
	if [ -n "${CI:-}" ] || [ -n "${CS_REQUIRE_CHROMIUM:-}" ]; then
		echo "browser.sh: chromium is required here (CI) but not installed (tools/deps)" >&2
		exit 1
	fi
	echo "SKIP report browser test: chromium not installed (apt-get install chromium)"
	exit 77
fi

if [ -z "$out" ]; then
	out=$(mktemp -d /tmp/cs-browser-XXXXXX)
	trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out" || exit 1
fail=0
bad() {
	echo "FAIL report browser: $*" >&2
	fail=1
}

netns=()
if unshare -n true 2>/dev/null; then
	netns=(unshare -n)
elif unshare -rn true 2>/dev/null; then
	netns=(unshare -rn)
fi

# One headless Chromium run; the profile is private to this test.
chrome() {
	timeout 60 "${netns[@]}" "$chromium" --headless --no-sandbox --disable-gpu \
		--disable-dev-shm-usage \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-extensions --no-first-run --no-default-browser-check --mute-audio \
		--user-data-dir="$out/profile" "$@" 2>>"$out/chromium.log"
}

# The control: the same harness must see a script that does run.
printf '<!DOCTYPE html><html><head><title>control</title></head><body><script>document.title="pwned"</script></body></html>\n' >"$out/control.html"
chrome --dump-dom "file://$out/control.html" >"$out/control.dom"
grep -q '<title>pwned</title>' "$out/control.dom" ||
	bad "the control page's script did not run: this harness cannot see script execution"

"$bin" report --model "$model" -o "$out/report.html" || bad "camsweep report failed"
"$bin" report --model "$model" --summary-only -o "$out/summary.html" || bad "summary failed"
title=$(sed -n 's:.*<title>\(.*\)</title>.*:\1:p' "$out/report.html" | head -n1)
[ -n "$title" ] || bad "no <title> in the report"

check_dom() { # file dom-file svg-count
	chrome --dump-dom "file://$1" >"$2" || bad "chromium could not render $1"
	[ -s "$2" ] || bad "empty DOM for $1"
	local n
	n=$(grep -o '<svg ' "$2" | wc -l)
	[ "$n" -eq "$3" ] || bad "$1: $n svg charts in the DOM, want $3"
	n=$(grep -o '<desc id="svg' "$2" | wc -l)
	[ "$n" -eq "$3" ] || bad "$1: $n chart descriptions, want $3"
	grep -qF "<title>$title</title>" "$2" || bad "$1: the page title changed: $(grep -o '<title>[^<]*' "$2" | head -n1)"
	grep -qi '<script' "$2" && bad "$1: a <script> element is in the DOM"
	grep -qi '<img' "$2" && bad "$1: an <img> element is in the DOM"
	grep -q 'pwned</title>' "$2" && bad "$1: a device-supplied script set the title"
	return 0
}
check_dom "$out/report.html" "$out/report.dom" "$want_svg"
check_dom "$out/summary.html" "$out/summary.dom" "$want_summary_svg"

# The hostile strings, as text (the DOM serialiser escapes < > & in text, not quotes).
for s in "&lt;script&gt;document.title='pwned'&lt;/script&gt;" \
	"&lt;img src=x onerror=\"document.title='pwned-img'\"&gt;" \
	"\"&gt;&lt;svg onload=\"document.title='pwned-svg'\"&gt;" \
	"&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;document.title='pwned-ev'&lt;/script&gt;"; do
	grep -qF "$s" "$out/report.dom" || bad "hostile text missing from the DOM: $s"
done
grep -qF "pwned" "$out/summary.dom" && bad "the summary shows a device's model"

chrome --hide-scrollbars --window-size=1200,1800 --screenshot="$out/report.png" \
	"file://$out/report.html" >/dev/null || bad "screenshot failed"
[ "$(head -c 4 "$out/report.png" 2>/dev/null | od -An -c | tr -d ' ')" = "211PNG" ] ||
	bad "no PNG screenshot"
chrome --no-pdf-header-footer --print-to-pdf="$out/report.pdf" "file://$out/report.html" \
	>/dev/null || bad "print to PDF failed"
[ "$(head -c 5 "$out/report.pdf" 2>/dev/null)" = "%PDF-" ] || bad "no PDF"
size=$(wc -c <"$out/report.pdf" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] || bad "the PDF is only $size bytes"

if [ "$fail" -ne 0 ]; then
	echo "browser.sh: chromium's messages are in $out/chromium.log" >&2
	trap - EXIT
	exit 1
fi
echo "report browser test: ok ($want_svg charts, title kept, hostile strings inert, PNG and PDF ($size bytes) written)"
exit 0
