import os, json, numpy as np
os.environ["KERAS_BACKEND"]="jax"
import keras
out = os.environ["OUT"]
m = keras.saving.load_model(f"{out}/nested_outer.keras")
def det_input(shape):
    n = int(np.prod(shape)); i = np.arange(n)
    return (2*((i*7919) % 1000)/1000 - 1).reshape(shape).astype("float32")
x1 = det_input((1, 6)); x2 = -det_input((1, 6))[:, ::-1].copy()
shared = m.get_layer("shared"); block = m.get_layer("block")
s0 = shared(x1); s1 = shared(x2)
j = m.get_layer("join")([s0, s1]); q = m.get_layer("squeeze")(j)
a = block.get_layer("inner_a")(q); bn = block.get_layer("inner_bn")(a, training=False); b = block.get_layer("inner_b")(bn)
h = m.get_layer("head")(b)
full = m.predict([x1, x2], verbose=0)
assert np.allclose(full, np.asarray(h), atol=1e-6)
outs = [("shared#0", s0), ("shared#1", s1), ("join", j), ("squeeze", q), ("inner_a", a), ("inner_bn", bn), ("inner_b", b), ("block", b), ("head", h)]
ref = {"source": "keras-3.15.1-jax", "tolerance": 1e-6, "cross_checked_with": [],
       "inputs": [{"name": n, "shape": [1, 6], "dtype": "float32", "data": [float(v) for v in x.ravel()]} for n, x in (("left", x1), ("right", x2))],
       "outputs": [{"layer": n, "shape": list(np.asarray(o).shape), "dtype": "float32", "data": [float(v) for v in np.asarray(o).ravel()]} for n, o in outs]}
json.dump(ref, open(f"{out}/nested_outer.reference.json", "w"))
print("ok")
