#!/usr/bin/env python3
"""Exports torchvision models (weights=None, eval mode) to ONNX for tilesim's importer, and writes the
small hand-built ONNX files (opset forms, shape-subgraph folding, external data, hostile files) that
tests/import/test_onnx_model.cpp reads.

  export_onnx.py --out DIR --model resnet50 [--opset 13] [--input-size 224] [--width-mult 1.0]
  export_onnx.py --out DIR --suite     # everything the tests need (a ctest fixture runs this)

Run it with Debian's /usr/bin/python3 (python3-torch, python3-torchvision, python3-onnx). Where torch
or onnx is missing, it writes DIR/SKIPPED saying so and exits 0, and the tests skip.
"""
import argparse
import os
import sys
import time

# (file stem, torchvision model, opset, input size, width multiplier)
SUITE = [
    ("resnet50", "resnet50", 13, 224, None),
    ("mobilenet_v2", "mobilenet_v2", 13, 224, None),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", 13, 224, None),
    ("efficientnet_b0", "efficientnet_b0", 13, 224, None),
    ("googlenet", "googlenet", 13, 224, None),
    ("mobilenet_v2_w0.5_160", "mobilenet_v2", 13, 160, 0.5),
    # Older opsets: Clip min/max and Split sizes as attributes, Flatten via Shape subgraphs.
    ("mobilenet_v2_opset9", "mobilenet_v2", 9, 224, None),
    ("shufflenet_v2_x1_0_opset11", "shufflenet_v2_x1_0", 11, 224, None),
    ("mobilenet_v3_small_opset17", "mobilenet_v3_small", 17, 224, None),  # HardSwish (torch 1.13 stops at 17)
    ("mobilenet_v3_small_opset11", "mobilenet_v3_small", 11, 224, None),  # HardSigmoid + Mul
]


def export_torchvision(out_dir, stem, model_name, opset, size, width, fold_bn=False):
    import torch
    import torchvision

    kwargs = {"weights": None}
    if width is not None:
        kwargs["width_mult"] = width
    if model_name == "googlenet":
        kwargs.update(aux_logits=False, init_weights=False)
    model = getattr(torchvision.models, model_name)(**kwargs).eval()
    x = torch.zeros(1, 3, size, size)
    path = os.path.join(out_dir, stem + ".onnx")
    # PRESERVE keeps BatchNormalization nodes (eval mode folds them into the convolutions), so that
    # parameter counts equal torchvision's; fold_bn exports as most deployed files are.
    training = torch.onnx.TrainingMode.EVAL if fold_bn else torch.onnx.TrainingMode.PRESERVE
    with torch.no_grad():
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                          training=training, do_constant_folding=True)
    return path


def write_handmade(out_dir):
    """Small ONNX files built with the onnx helper API: each states one rule of the importer."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def save(name, nodes, inputs, outputs, inits=(), opset=13, value_info=()):
        graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits), value_info=list(value_info))
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="tilesim-tests")
        model.ir_version = 8 if opset >= 15 else 7
        onnx.save(model, os.path.join(out_dir, name + ".onnx"))
        return model

    def vi(name, shape, t=TensorProto.FLOAT):
        return helper.make_tensor_value_info(name, t, shape)

    def w(name, *shape):
        return numpy_helper.from_array(np.zeros(shape, np.float32), name)

    def i64(name, values):
        return numpy_helper.from_array(np.array(values, np.int64), name)

    # Old-style flatten: Shape -> Gather -> Unsqueeze -> Concat -> Reshape (folds to one Reshape).
    save("fold_flatten_opset9", [
        helper.make_node("Conv", ["input", "conv.w", "conv.b"], ["c"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Shape", ["r"], ["s"], name="shape"),
        helper.make_node("Constant", [], ["zero"], name="const0", value=helper.make_tensor("z", TensorProto.INT64, [], [0])),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["n"], ["n1"], name="unsqueeze", axes=[0]),
        helper.make_node("Constant", [], ["m1"], name="const1", value=helper.make_tensor("m", TensorProto.INT64, [1], [-1])),
        helper.make_node("Concat", ["n1", "m1"], ["target"], name="concat", axis=0),
        helper.make_node("Reshape", ["r", "target"], ["flat"], name="reshape"),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["logits"], name="fc", transB=1),
    ], [vi("input", [1, 3, 8, 8])], [vi("logits", [1, 10])],
        [w("conv.w", 4, 3, 3, 3), w("conv.b", 4), w("fc.w", 10, 256), w("fc.b", 10)], opset=9)

    # Opset 13 shape arithmetic: Shape -> Slice -> ReduceProd -> Concat, Unsqueeze with axes input,
    # ConstantOfShape, Range, int64 Mul/Div.
    save("fold_arith_opset13", [
        helper.make_node("Shape", ["input"], ["s"], name="shape"),
        helper.make_node("Slice", ["s", "one", "four"], ["chw"], name="slice_dims"),
        helper.make_node("ReduceProd", ["chw"], ["p"], name="prod", keepdims=1),
        helper.make_node("Div", ["p", "two"], ["half"], name="div"),
        helper.make_node("Mul", ["half", "two"], ["whole"], name="mul"),
        helper.make_node("Slice", ["s", "zero", "one"], ["n"], name="slice_n"),
        helper.make_node("Concat", ["n", "whole"], ["target"], name="concat", axis=0),
        helper.make_node("Reshape", ["input", "target"], ["flat"], name="reshape"),
        helper.make_node("Unsqueeze", ["flat", "ax2"], ["u"], name="unsqueeze"),
        helper.make_node("Squeeze", ["u", "ax2"], ["sq"], name="squeeze"),
        helper.make_node("ConstantOfShape", ["target"], ["ones"], name="cos",
                         value=helper.make_tensor("v", TensorProto.FLOAT, [1], [1.0])),
        helper.make_node("Add", ["sq", "ones"], ["out"], name="add"),
    ], [vi("input", [1, 4, 6, 6])], [vi("out", [1, 144])],
        [i64("zero", [0]), i64("one", [1]), i64("four", [4]), i64("two", [2]), i64("ax2", [2])])

    # A detector's anchor grid: a constant too big for its values to be kept (5000 x 4 floats),
    # tiled, reshaped, sliced, gathered and concatenated before it meets an activation. Only the
    # shapes are needed, and ONNX's own inference is given none (no value_info).
    save("fold_shapes_without_values", [
        helper.make_node("Tile", ["anchors", "reps"], ["tiled"], name="tile"),
        helper.make_node("Reshape", ["tiled", "target"], ["grid"], name="reshape_grid"),
        helper.make_node("Slice", ["grid", "s0", "s1", "s_axis"], ["part"], name="slice_grid"),
        helper.make_node("Gather", ["part", "idx"], ["picked"], name="gather_grid", axis=1),
        helper.make_node("Concat", ["picked", "picked"], ["both"], name="concat_grid", axis=1),
        helper.make_node("Add", ["input", "both"], ["out"], name="add_anchors"),
    ], [vi("input", [1, 6000, 4])], [vi("out", None)],
        [w("anchors", 5000, 4), i64("reps", [2, 1]), i64("target", [1, 10000, 4]), i64("s0", [0]), i64("s1", [6000]),
         i64("s_axis", [1]), i64("idx", list(range(3000)))])

    # Opset 7: Clip bounds, Slice ranges, Split sizes, Pad amounts and Upsample scales are attributes.
    save("attrs_opset7", [
        helper.make_node("Clip", ["input"], ["c"], name="clip", min=0.0, max=6.0),
        helper.make_node("Slice", ["c"], ["s"], name="slice", starts=[0, 1], ends=[100, -1], axes=[1, 2]),
        helper.make_node("Split", ["s"], ["a", "b"], name="split", axis=1, split=[3, 5]),
        helper.make_node("Pad", ["a"], ["p"], name="pad", pads=[0, 0, 1, 2, 0, 0, 1, 2]),
        helper.make_node("Upsample", ["b"], ["u"], name="up", scales=[1.0, 1.0, 2.0, 2.0], mode="nearest"),
        helper.make_node("Softmax", ["u"], ["sm"], name="softmax"),
    ], [vi("input", [1, 8, 10, 10])], [vi("p", None), vi("sm", None)], opset=7)

    # Opset 11: the same as inputs, and Resize with scales.
    save("inputs_opset11", [
        helper.make_node("Clip", ["input", "lo", "hi"], ["c"], name="clip"),
        helper.make_node("Slice", ["c", "starts", "ends", "axes", "steps"], ["s"], name="slice"),
        helper.make_node("Split", ["s"], ["a", "b"], name="split", axis=1, split=[3, 5]),
        helper.make_node("Pad", ["a", "pads"], ["p"], name="pad"),
        helper.make_node("Resize", ["b", "roi", "scales"], ["u"], name="resize", mode="linear"),
    ], [vi("input", [1, 8, 10, 10])], [vi("p", None), vi("u", None)],
        [numpy_helper.from_array(np.array(0, np.float32), "lo"), numpy_helper.from_array(np.array(6, np.float32), "hi"),
         i64("starts", [1, 0]), i64("ends", [-1, 9223372036854775807]), i64("axes", [2, 1]), i64("steps", [2, 1]),
         i64("pads", [0, 0, 1, 2, 0, 0, 1, 2]), numpy_helper.from_array(np.zeros(0, np.float32), "roi"),
         numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")], opset=11)

    # Opset 18: ReduceMean axes and Pad axes as inputs, Split num_outputs, Resize sizes.
    save("opset18", [
        helper.make_node("Split", ["input"], ["a", "b", "c"], name="split", axis=1, num_outputs=3),
        helper.make_node("ReduceMean", ["a", "axes"], ["m"], name="mean", keepdims=1),
        helper.make_node("Mul", ["b", "m"], ["bm"], name="mul"),
        helper.make_node("Pad", ["bm", "pads", "", "padaxes"], ["p"], name="pad"),
        helper.make_node("Resize", ["c", "", "", "sizes"], ["r"], name="resize", mode="nearest"),
        helper.make_node("ReduceSum", ["p", "axes"], ["ps"], name="sum", keepdims=0),
    ], [vi("input", [1, 8, 6, 6])], [vi("ps", None), vi("r", None)],
        [i64("axes", [2, 3]), i64("pads", [1, 1, 1, 1]), i64("padaxes", [2, 3]), i64("sizes", [1, 2, 12, 9])], opset=18)

    # Layer names: a node without a name is named after its first output.
    save("names", [
        helper.make_node("Conv", ["input", "w"], ["first_conv_out"], kernel_shape=[1, 1]),
        helper.make_node("Relu", ["first_conv_out"], ["relu_out"], name="named_relu"),
    ], [vi("input", [1, 3, 4, 4])], [vi("relu_out", None)], [w("w", 8, 3, 1, 1)])

    # An operator tilesim has no model of (twice), between two it has.
    save("unknown_op", [
        helper.make_node("Conv", ["input", "w"], ["c"], name="conv", kernel_shape=[1, 1]),
        helper.make_node("Softplus", ["c"], ["s1"], name="softplus1"),
        helper.make_node("Softplus", ["s1"], ["s2"], name="softplus2"),
        helper.make_node("Relu", ["s2"], ["out"], name="relu"),
    ], [vi("input", [1, 3, 4, 4])], [vi("out", None)], [w("w", 8, 3, 1, 1)])

    # External data: the convolution weights live in a file beside the model.
    weights = np.zeros((16, 3, 3, 3), np.float32)
    with open(os.path.join(out_dir, "external_data.bin"), "wb") as f:
        f.write(b"\0" * 64)
        f.write(weights.tobytes())

    def bare(name, dims):  # a tensor declaring a shape, holding no data
        t = TensorProto()
        t.name, t.data_type = name, TensorProto.FLOAT
        t.dims.extend(dims)
        return t

    def ext(name, dims, location, offset, length):
        t = bare(name, dims)
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", str(offset)), ("length", str(length))):
            e = t.external_data.add()
            e.key, e.value = k, v
        return t

    conv = [helper.make_node("Conv", ["input", "w"], ["out"], name="conv", kernel_shape=[3, 3])]
    io = ([vi("input", [1, 3, 8, 8])], [vi("out", None)])
    save("external_data", conv, *io, [ext("w", [16, 3, 3, 3], "external_data.bin", 64, weights.nbytes)])

    # ---- malformed and hostile files: each must give a ConfigError naming the file --------------
    save("bad_external_missing", conv, *io, [ext("w", [16, 3, 3, 3], "no_such_file.bin", 0, weights.nbytes)])
    save("bad_external_short", conv, *io, [ext("w", [16, 3, 3, 3], "external_data.bin", 1024, weights.nbytes)])
    save("bad_external_escape", conv, *io, [ext("w", [16, 3, 3, 3], "../../etc/passwd", 0, weights.nbytes)])
    save("bad_cycle", [
        helper.make_node("Relu", ["input_plus"], ["a"], name="relu_a"),
        helper.make_node("Add", ["a", "input"], ["input_plus"], name="add_b"),
    ], [vi("input", [1, 3, 4, 4])], [vi("a", None)])
    save("bad_dangling", [
        helper.make_node("Add", ["input", "ghost"], ["out"], name="add"),
    ], [vi("input", [1, 3, 4, 4])], [vi("out", None)])
    save("bad_negative_dims", [helper.make_node("Relu", ["input"], ["out"], name="relu")],
         [vi("input", [1, -3, 4, 4])], [vi("out", None)])
    save("bad_overflow_input", [helper.make_node("Relu", ["input"], ["out"], name="relu")],
         [vi("input", [1, 1 << 31, 1 << 31, 1 << 31])], [vi("out", None)])
    huge = bare("w", [1 << 20, 1 << 20, 3, 3])
    save("bad_huge_initializer", conv, *io, [huge])
    short = bare("w", [16, 3, 3, 3])
    short.raw_data = np.zeros(10, np.float32).tobytes()
    save("bad_short_raw_data", conv, *io, [short])
    save("bad_negative_initializer", conv, *io, [bare("w", [16, -3, 3, 3])])
    save("bad_reshape_overflow", [helper.make_node("Reshape", ["input", "shape"], ["out"], name="reshape")],
         [vi("input", [1, 3, 4, 4])], [vi("out", None)], [i64("shape", [1 << 40, 1 << 40, 1 << 40])])
    save("bad_conv_channels", conv, *io, [w("w", 16, 5, 3, 3)])
    save("bad_unknown_no_shape", [helper.make_node("FancyOp", ["input"], ["out"], name="fancy", domain="com.example")],
         [vi("input", [1, 3, 4, 4])], [vi("out", None)])
    save("bad_opset", [helper.make_node("Relu", ["input"], ["out"], name="relu")],
         [vi("input", [1, 3, 4, 4])], [vi("out", None)], opset=5)
    save("bad_range", [
        helper.make_node("Range", ["start", "limit", "delta"], ["r"], name="range"),
        helper.make_node("Reshape", ["input", "r"], ["out"], name="reshape"),
    ], [vi("input", [1, 3, 4, 4])], [vi("out", None)],
        [i64("start", 0), i64("limit", 1 << 50), i64("delta", 1)])
    with open(os.path.join(out_dir, "bad_no_graph.onnx"), "wb") as f:
        f.write(onnx.ModelProto(ir_version=7, producer_name="x").SerializeToString())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="folder to write .onnx files to")
    p.add_argument("--suite", action="store_true", help="export everything the tests need")
    p.add_argument("--model", help="a torchvision classification model, e.g. resnet50")
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--input-size", type=int, default=224)
    p.add_argument("--width-mult", type=float, help="mobilenet_v2 / mnasnet width multiplier")
    p.add_argument("--name", help="file stem (default: the model name)")
    p.add_argument("--fold-bn", action="store_true", help="fold batch norm into convolutions (torch's eval export)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    skipped = os.path.join(a.out, "SKIPPED")
    if os.path.exists(skipped):
        os.remove(skipped)
    missing = []
    for mod in ("onnx", "numpy") + (("torch", "torchvision") if a.suite or a.model else ()):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    if missing:
        with open(skipped, "w") as f:
            f.write(f"python modules missing: {' '.join(missing)} (apt-get install python3-torch python3-torchvision python3-onnx)\n")
        print(f"export_onnx: skipped, missing {' '.join(missing)}", file=sys.stderr)
        return 0
    import warnings
    warnings.filterwarnings("ignore")
    if a.suite:
        t0 = time.time()
        write_handmade(a.out)
        for stem, model, opset, size, width in SUITE:
            t = time.time()
            export_torchvision(a.out, stem, model, opset, size, width)
            print(f"export_onnx: {stem} (opset {opset}, {size}x{size}) {time.time() - t:.1f} s", flush=True)
        export_torchvision(a.out, "resnet18_folded_bn", "resnet18", 13, 224, None, fold_bn=True)
        print(f"export_onnx: suite in {time.time() - t0:.1f} s")
        return 0
    if not a.model:
        p.error("give --model or --suite")
    path = export_torchvision(a.out, a.name or a.model, a.model, a.opset, a.input_size, a.width_mult, a.fold_bn)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
