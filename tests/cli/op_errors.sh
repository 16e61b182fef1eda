#!/usr/bin/env bash
# op_errors.sh — `convscope op` on invalid usage and hostile input: each must exit 2 with a message
# on stderr that names the problem (and nothing written to stdout).
# usage: bash op_errors.sh <path-to-convscope> <source-dir>
set -uo pipefail
CLI=$1
G=$2/tests/golden
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

# expect <code> <stderr substring> -- <convscope args...>
expect() {
  local code=$1 want=$2
  shift 3
  "$CLI" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ "$rc" != "$code" ] || ! grep -qF -- "$want" "$TMP/err"; then
    echo "FAIL: convscope $*"
    echo "  want exit $code and stderr containing: $want"
    echo "  got exit $rc, stderr: $(cat "$TMP/err")"
    fails=$((fails + 1))
  fi
}

X=$G/conv_basic.input.npy
W=$G/conv_basic.weight.npy
expect 2 "usage: convscope op" -- op
expect 2 "unknown op 'conv3d'" -- op conv3d
expect 2 "missing required option --weight" -- op conv2d --input "$X" --output "$TMP/y.npy"
expect 2 "missing required option --output" -- op conv2d --input "$X" --weight "$W"
expect 2 "unknown option --strid" -- op conv2d --input "$X" --weight "$W" --strid 2 --output "$TMP/y.npy"
expect 2 "stride must be one integer >= 1 or H,W, got '0'" -- op conv2d --input "$X" --weight "$W" --stride 0 --output "$TMP/y.npy"
expect 2 "--algo must be reference, im2col, winograd or auto, got 'fft'" -- op conv2d --input "$X" --weight "$W" --algo fft --output "$TMP/y.npy"
expect 2 "winograd algorithm (F(2x2,3x3)) needs a 3x3 kernel, stride 1 and dilation 1" -- \
  op conv2d --input "$X" --weight "$W" --stride 2 --algo winograd --output "$TMP/y.npy"
expect 2 "winograd" -- op conv2d --input "$G/conv_pointwise.input.npy" --weight "$G/conv_pointwise.weight.npy" --algo winograd --output "$TMP/y.npy"
expect 2 "Conv2d: in_channels 3 is not divisible by groups 2" -- op conv2d --input "$X" --weight "$W" --groups 2 --output "$TMP/y.npy"
expect 2 "Conv2d: kernel 3x3 (dilated 7x7) is larger than the padded input 5x5" -- op conv2d --input "$X" --weight "$W" --dilation 3 --output "$TMP/y.npy"
expect 2 "expects input with 3 channels" -- op conv2d --input "$G/conv_groups.input.npy" --weight "$W" --output "$TMP/y.npy"
expect 2 "bias must have shape (4,), got (5,)" -- op conv2d --input "$X" --weight "$W" --bias "$G/conv_odd_stride2.bias.npy" --output "$TMP/y.npy"
expect 2 "$TMP/missing.npy: cannot open for reading" -- op conv2d --input "$TMP/missing.npy" --weight "$W" --output "$TMP/y.npy"
expect 2 "grad_output must have shape" -- op conv2d-backward --input "$X" --weight "$W" --grad-output "$X" \
  --grad-input "$TMP/gx.npy" --grad-weight "$TMP/gw.npy"
expect 2 "output_padding must be smaller than either stride or dilation" -- \
  op conv-transpose2d --input "$G/convt_basic.input.npy" --weight "$G/convt_basic.weight.npy" --output-padding 1 --output "$TMP/y.npy"
expect 2 "padding 2x2 must be at most half of the kernel size 3x3" -- op max-pool2d --input "$X" --kernel 3 --padding 2 --output "$TMP/y.npy"
expect 2 "missing required option --kernel" -- op avg-pool2d --input "$X" --output "$TMP/y.npy"
expect 2 "im2col: kernel 6x6 is larger than the padded input 5x5" -- op im2col --input "$X" --kernel 6 --output "$TMP/y.npy"

# Hostile .npy files: wrong magic, truncated data, big-endian, fortran order.
printf 'not a numpy file at all' >"$TMP/junk.npy"
expect 2 "junk.npy: not a .npy file" -- op max-pool2d --input "$TMP/junk.npy" --kernel 2 --output "$TMP/y.npy"
head -c 200 "$X" >"$TMP/short.npy"
expect 2 "short.npy: header field 'shape' (1, 3, 5, 5) of '<f4' needs 300 data bytes, but the file has 72" -- \
  op max-pool2d --input "$TMP/short.npy" --kernel 2 --output "$TMP/y.npy"
sed 's/<f4/>f4/' "$X" >"$TMP/big.npy"
expect 2 "(big-endian)" -- op max-pool2d --input "$TMP/big.npy" --kernel 2 --output "$TMP/y.npy"
sed "s/'fortran_order': False/'fortran_order': True /" "$X" >"$TMP/fortran.npy"
expect 2 "'fortran_order' is True" -- op max-pool2d --input "$TMP/fortran.npy" --kernel 2 --output "$TMP/y.npy"

# A failed write is a runtime failure (exit 1), not bad usage.
expect 1 "cannot open for writing" -- op max-pool2d --input "$X" --kernel 2 --output "$TMP/no/such/dir/y.npy"

# --help succeeds and lists every op.
if ! "$CLI" op --help | grep -q "conv-transpose2d" || ! "$CLI" op --help | grep -q "im2col"; then
  echo "FAIL: convscope op --help does not list the ops"
  fails=$((fails + 1))
fi
"$CLI" op conv2d --help >/dev/null || { echo "FAIL: op conv2d --help"; fails=$((fails + 1)); }

echo "op_errors: $fails failures"
[ "$fails" = 0 ]
