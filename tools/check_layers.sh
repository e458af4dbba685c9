#!/usr/bin/env bash
# The layering rules of DESIGN.md §1, checked from the tree itself. Fails listing each offence.
#
# 1. Pure code stays pure. A library declared `layer7_library(NAME PURE …)` (cmake/Layer7.cmake): a
#    whole pure folder, or the pure half of a mixed one. Its sources, their headers and every header
#    of src/ they include, however indirectly, may include only the standard library and other pure
#    code: no asio, sockets, TLS, threads, files, clocks (time is passed in) or randomness (OpenSSL's
#    hashes and MACs are computation, and allowed). It links only pure layer7 libraries.
# 2. The order of src/CMakeLists.txt is the layer graph: a library links only libraries of its own
#    folder or of folders added before it.
# 3. No folder loops: no two folders of src/ include each other's headers, directly or round a
#    longer circle.
# 4. Namespaces follow folders: a file in src/A/B declares its names in layer7::A, layer7::A::B or a
#    namespace inside layer7::A::B (the namespace and the folder agree as far as both go: dns/server
#    → layer7::dns, http/websocket → layer7::http::websocket, rtp → layer7::rtp::h264). Another
#    folder's namespace may be opened only to forward-declare its classes.
# 5. The code is as .clang-format lays it out: every tracked C++ file is left unchanged by Debian 12's
#    clang-format 14 (`tools/setup.sh test` installs it). To lay a file out: `clang-format-14 -i FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
fail() {
    echo "check_layers: $*" >&2
    bad=1
}

# Pure files inside libraries that also do I/O: each is checked by name until its library is split.
pure_files=(src/torrent/mse_handshake.hpp src/torrent/mse_handshake.cpp)

# Every layer7_library() call, one a line: FOLDER NAME [PURE] SOURCES … [DEPS …]
mapfile -t libraries < <(for f in $(find src -name CMakeLists.txt | sort); do
    dir=${f%/CMakeLists.txt}
    sed 's/#.*//' "$f" | tr '\n' ' ' | { grep -oE 'layer7_library\([^)]*\)' || true; } |
        sed -E "s|^layer7_library\\(|${dir#src/} |; s/\\)\$//"
done)
declare -A folder_of is_pure
for line in "${libraries[@]}"; do
    read -r folder name flag _ <<<"$line"
    folder_of[$name]=$folder
    [ "$flag" = PURE ] && is_pure[$name]=1
done

mapfile -t order < <(sed -n 's/^add_subdirectory(\(.*\))$/\1/p' src/CMakeLists.txt)
declare -A rank
for i in "${!order[@]}"; do rank[${order[$i]}]=$i; done

# 1 and 2: each library's sources and links.
for line in "${libraries[@]}"; do
    read -r folder name rest <<<"$line"
    [ -n "${rank[$folder]:-}" ] || fail "src/$folder is missing from src/CMakeLists.txt"
    part=
    for word in $rest; do
        case $word in
        PURE) ;;
        SOURCES | DEPS) part=$word ;;
        *)
            if [ "$part" = SOURCES ] && [ -n "${is_pure[$name]:-}" ]; then
                pure_files+=("src/$folder/$word")
                [ -e "src/$folder/${word%.cpp}.hpp" ] && pure_files+=("src/$folder/${word%.cpp}.hpp")
            elif [ "$part" = DEPS ] && [[ $word == layer7_* ]]; then
                [ -n "${is_pure[$name]:-}" ] && [ -z "${is_pure[$word]:-}" ] && fail "$name is PURE but links $word, which is not"
                to=${folder_of[$word]:-}
                if [ -n "$to" ] && [ -n "${rank[$folder]:-}" ] && [ "${rank[$to]:-0}" -gt "${rank[$folder]}" ]; then
                    fail "$name (src/$folder) links $word, but src/CMakeLists.txt adds src/$to later"
                fi
            fi
            ;;
        esac
    done
done

# The headers pure code includes, however indirectly, are held to the same rule.
declare -A seen
todo=("${pure_files[@]}")
while [ "${#todo[@]}" -gt 0 ]; do
    file=${todo[-1]}
    unset 'todo[-1]'
    [ -z "${seen[$file]:-}" ] && [ -e "$file" ] || continue
    seen[$file]=1
    while read -r header; do
        [ -e "src/$header" ] && todo+=("src/$header")
    done < <(sed -n 's/^#include "\(.*\)"/\1/p' "$file")
done
pattern='#include *[<"](asio|openssl/(ssl|rand|bio|pem|x509)|sys/socket|netinet/|arpa/|fstream|filesystem|thread|spdlog|toml|core/net/|core/runtime/|core/config/)'
if [ "${#seen[@]}" -gt 0 ]; then
    mapfile -t checked < <(printf '%s\n' "${!seen[@]}" | sort)
    grep -nE "$pattern" "${checked[@]}" >&2 && fail "pure code above reaches for I/O (itself or through a header it includes)"
    grep -nE 'system_clock::now|steady_clock::now|time\(nullptr\)' "${checked[@]}" >&2 && fail "pure code above reads the clock"
fi

# 3: folder loops. Each edge is "FOLDER FOLDER-IT-INCLUDES"; tsort reports any circle.
edges=$(for f in $(find src -name '*.[ch]pp'); do
    from=$(dirname "${f#src/}")
    sed -n 's/^#include "\(.*\)\/[^/]*"/\1/p' "$f" | sort -u | while read -r to; do
        [ "$to" != "$from" ] && [ -d "src/$to" ] && echo "$from $to"
    done
done | sort -u)
if ! loops=$(tsort <<<"$edges" 2>&1 >/dev/null) || [ -n "$loops" ]; then
    fail "folders include each other:"$'\n'"$loops"
fi

# 4: namespaces.
mapfile -t sources < <(find src -name '*.[ch]pp' | sort)
if ! awk '
    FNR == 1 { folder = FILENAME; sub(/^src\//, "", folder); sub(/\/[^\/]*$/, "", folder); foreign = "" }
    foreign != "" {  # inside another folder'"'"'s namespace: forward declarations only
        if ($0 ~ /^}/) foreign = ""
        else if ($0 !~ /^(class|struct) [A-Za-z0-9_]+;$/ && $0 !~ /^ *$/) {
            print FILENAME ":" FNR ": " foreign " holds more than forward declarations in src/" folder
            bad = 1; foreign = ""
        }
        next
    }
    /^namespace layer7[a-z0-9_:]* *\{/ {
        ns = $2; sub(/^layer7(::)?/, "", ns); gsub(/::/, "/", ns)
        if (index(folder "/", ns "/") == 1 || index(ns "/", folder "/") == 1)
            next
        foreign = "namespace " $2
    }
    END { exit bad }' "${sources[@]}" >&2; then
    fail "namespaces above do not follow their folders"
fi

# 5: layout. Pinned to version 14: another clang-format lays some lines out differently.
layout=$(mktemp)
if ! command -v clang-format-14 >/dev/null; then
    fail "clang-format-14 missing: run tools/setup.sh test"
elif ! git ls-files -z '*.cpp' '*.hpp' | xargs -0 clang-format-14 --dry-run --Werror 2>"$layout"; then
    grep -E '^[^ ].*: error:' "$layout" | cut -d: -f1 | sort -u | sed 's/^/  /' >&2
    fail "the files above are not laid out as .clang-format says (clang-format-14 -i FILE)"
fi
rm -f "$layout"

if [ "$bad" -ne 0 ]; then
    exit 1
fi
echo "check_layers: pure code is pure; src/CMakeLists.txt is the layer graph; no folder loops; namespaces follow folders;" \
    "the code is laid out as .clang-format says"
