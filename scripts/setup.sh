#!/usr/bin/env bash
# Install what unsealed needs on a fresh Debian 12 machine with Python 3.11:
# system packages with apt-get, then a virtual environment in .venv with the project.
#   bash scripts/setup.sh          # the tool
#   bash scripts/setup.sh --test   # the tool plus what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
APT_PACKAGES=(
  python3-venv            # the virtual environment
  tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-uig tesseract-ocr-eng   # offline OCR models
  fonts-wqy-microhei      # CJK font for the synthetic cache, charts and OCR tests
  libgl1 libglib2.0-0 fonts-dejavu-core   # OpenCV under RapidOCR; Arabic-script font for the Uyghur OCR test
  antiword                # text of legacy Word .doc files
  unar                    # RAR archives (rarfile drives it)
)
if [ "${1:-}" = "--test" ]; then
  APT_PACKAGES+=(chromium chromium-driver)   # the web workbench's browser tests (Playwright drives the system browser)
fi
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
