#!/bin/sh
# Downloads a whisper.cpp GGML model from the public model host into this folder (or DIR), with
# curl, resuming a partial download, and checks its size and checksum before moving it into place.
#
#   sh Models/download-ggml-model.sh NAME [DIR]     e.g. base.en, tiny, large-v3-turbo-q5_0
#   sh Models/download-ggml-model.sh --list         the known models (name, bytes, sha256, sha1, ...)
#
# The list of models, their sizes and checksums is not kept here: it is read from the one table in
# the library, Sources/WhisperPlatform/Tools/KnownModels.swift, which `whisper-cli models` uses too.
# WHISPER_MODEL_BASE_URL overrides the host (a mirror, or a local folder as file:///...).
# Exit status: 0 downloaded (or already present and verified); 1 failure; 2 usage error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
table="$here/../Sources/WhisperPlatform/Tools/KnownModels.swift"
connect_timeout=10

if [ ! -f "$table" ]; then
    echo "error: cannot find the model table $table" >&2
    exit 1
fi

# One field of a table line: `label: "value"`, `label: 1_234` or `label: nil`.
field() {
    printf '%s\n' "$2" | sed -n "s/.*[ (]$1: \"\{0,1\}\([^\",)]*\)\"\{0,1\}[,)].*/\1/p"
}

entries() {
    grep 'KnownModel(name: "' "$table"
}

base_url=${WHISPER_MODEL_BASE_URL:-$(sed -n 's/.*static let baseURL = "\([^"]*\)".*/\1/p' "$table")}

list_models() {
    printf 'name\tbytes\tsha256\tsha1\tenglish_only\tsize\n'
    entries | while IFS= read -r line; do
        name=$(field name "$line")
        bytes=$(field bytes "$line" | tr -d _)
        sha256=$(field sha256 "$line")
        case $name in *.en*) english=yes ;; *) english=no ;; esac
        [ "$bytes" = nil ] && bytes=-
        [ "$sha256" = nil ] && sha256=-
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$bytes" "$sha256" "$(field sha1 "$line")" "$english" "$(field approximateSize "$line")"
    done
}

usage() {
    echo "usage: $0 NAME [DIR]   download ggml-NAME.bin into DIR (default: $here)" >&2
    echo "       $0 --list       list the known models" >&2
    printf 'models:' >&2
    entries | while IFS= read -r line; do printf ' %s' "$(field name "$line")" >&2; done
    echo >&2
}

if [ $# -eq 1 ] && [ "$1" = "--list" ]; then
    list_models
    exit 0
fi
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
    usage
    exit 2
fi

name=$1
dir=${2:-$here}
line=$(entries | grep "KnownModel(name: \"$name\"," | head -n 1)
if [ -z "$line" ]; then
    echo "error: unknown model '$name'" >&2
    usage
    exit 2
fi
bytes=$(field bytes "$line" | tr -d _)
sha256=$(field sha256 "$line")
sha1=$(field sha1 "$line")

file_size() { wc -c < "$1" | tr -d ' '; }

digest() {  # digest ALGORITHM FILE
    if [ "$1" = sha256 ]; then
        if command -v sha256sum > /dev/null 2>&1; then sha256sum "$2" | cut -d' ' -f1
        else shasum -a 256 "$2" | cut -d' ' -f1; fi
    else
        if command -v sha1sum > /dev/null 2>&1; then sha1sum "$2" | cut -d' ' -f1
        else shasum -a 1 "$2" | cut -d' ' -f1; fi
    fi
}

# verify FILE: size (where known), then SHA-256 (where known) or SHA-1.
verify() {
    if [ "$bytes" != nil ] && [ "$(file_size "$1")" != "$bytes" ]; then
        echo "error: $1 has $(file_size "$1") bytes, but $name has $bytes" >&2
        return 1
    fi
    if [ "$sha256" != nil ]; then algorithm=sha256; expected=$sha256; else algorithm=sha1; expected=$sha1; fi
    actual=$(digest $algorithm "$1")
    if [ "$actual" != "$expected" ]; then
        echo "error: $1: $algorithm $actual does not match $name's $expected" >&2
        return 1
    fi
    echo "$1: $algorithm verified"
}

dest="$dir/ggml-$name.bin"
part="$dest.part"
url="${base_url%/}/ggml-$name.bin"

if [ -f "$dest" ]; then
    if verify "$dest"; then
        echo "Model $name is already in $dest"
        exit 0
    fi
    echo "error: $dest exists but is not $name; remove it to download again" >&2
    exit 1
fi
if ! command -v curl > /dev/null 2>&1; then
    echo "error: curl is needed; install it, or download $url into $dest by hand" >&2
    exit 1
fi
mkdir -p "$dir" || exit 1

echo "Downloading $name from $url ..."
if [ -t 2 ]; then progress=--progress-bar; else progress="--silent --show-error"; fi
# shellcheck disable=SC2086
curl --fail --location --connect-timeout $connect_timeout --speed-limit 1024 --speed-time 60 \
     --continue-at - --output "$part" $progress "$url"
status=$?
if [ $status -ne 0 ]; then
    case $status in
        5|6) why="cannot resolve the host name (no internet connection?)" ;;
        7) why="cannot connect to the server (no internet connection, or a firewall?)" ;;
        28) why="timed out (no internet connection?)" ;;
        22) why="the server answered with an error" ;;
        *) why="curl exited with status $status" ;;
    esac
    echo "error: downloading $url failed: $why" >&2
    [ -s "$part" ] && echo "       the partial download is kept in $part; run again to resume" >&2
    exit 1
fi
if ! verify "$part"; then
    rm -f "$part"
    echo "error: the download of $name was deleted" >&2
    exit 1
fi
mv "$part" "$dest" || exit 1
echo "Done: $name is in $dest"
echo "Use it with:  .build/release/whisper-cli -m $dest -f talk.wav   (or simply -m $name)"
