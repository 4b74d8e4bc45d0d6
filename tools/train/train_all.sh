#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Retrains every model tinyml ships (examples/models/), deterministically from one seed:
#   bash tools/train/train_all.sh [SEED]
# Needs: Debian packages espeak-ng and sox; pip install -r tools/train/requirements.txt.
# The cards quote arena bytes and MACs from build/tinyml (built by tools/setup.sh) when present.
set -euo pipefail
cd "$(dirname "$0")/../.."
seed="${1:-1}"
python3 tools/train/train_digits.py --seed "$seed"
python3 tools/train/train_kws.py --seed "$seed"
python3 tools/train/train_ad.py --seed "$seed"
