import os, json, numpy as np
os.environ["KERAS_BACKEND"]="jax"
import keras
from keras import layers
keras.utils.set_random_seed(7)
out = os.environ["OUT"]

def det_input(shape):
    n = int(np.prod(shape)); i = np.arange(n)
    return (2*((i*7919) % 1000)/1000 - 1).reshape(shape).astype("float32")

def reference(model, inputs, path, source):
    names = [l.name for l in model.layers if not isinstance(l, layers.InputLayer)]
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
    outs = probe.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    if not isinstance(outs, (list, tuple)): outs = [outs]
    ref = {"source": source, "tolerance": 1e-6, "cross_checked_with": [],
           "inputs": [{"name": t.name.split(":")[0] if False else model.input_names[k] if hasattr(model,'input_names') else model.inputs[k].name,
                       "shape": list(x.shape), "dtype": str(x.dtype), "data": [float(v) if x.dtype.kind=='f' else int(v) for v in x.ravel()]} for k, (t, x) in enumerate(zip(model.inputs, inputs))],
           "outputs": [{"layer": n, "shape": list(o.shape), "dtype": "float32", "data": [float(np.float32(v)) for v in np.asarray(o).ravel()]} for n, o in zip(names, outs)]}
    with open(path, "w") as f: json.dump(ref, f)

# 1. functional CNN with merges, BN, separable/depthwise conv, PReLU
inp = keras.Input((8, 8, 3), name="image")
x = layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_a")(inp)
x = layers.BatchNormalization(name="bn")(x)
b1 = layers.Conv2D(4, 1, name="branch_1")(x)
b2 = layers.DepthwiseConv2D(3, padding="same", name="branch_2")(x)
s = layers.Add(name="add")([b1, b2])
c = layers.Concatenate(name="concat")([s, x])
c = layers.SeparableConv2D(5, 3, name="sep")(c)
c = layers.PReLU(name="prelu")(c)
c = layers.MaxPooling2D(name="pool")(c)
g = layers.GlobalAveragePooling2D(name="gap")(c)
d = layers.Dense(6, activation="tanh", name="fc")(g)
o = layers.Dense(3, activation="softmax", name="probs")(d)
cnn = keras.Model(inp, o, name="functional_cnn")
# non-trivial BN statistics
bn = cnn.get_layer("bn"); w = bn.get_weights(); rng = np.random.default_rng(1)
bn.set_weights([rng.uniform(0.5, 1.5, w[0].shape), rng.uniform(-0.5, 0.5, w[1].shape), rng.uniform(-0.2, 0.2, w[2].shape), rng.uniform(0.5, 2, w[3].shape)])
pr = cnn.get_layer("prelu"); pr.set_weights([rng.uniform(0.05, 0.3, pr.get_weights()[0].shape)])
cnn.save(f"{out}/functional_cnn.keras"); cnn.save(f"{out}/functional_cnn.h5")
reference(cnn, [det_input((1, 8, 8, 3))], f"{out}/functional_cnn.reference.json", "keras-3.15.1-jax")

# 2. Sequential RNN: Embedding, Bidirectional LSTM, TimeDistributed Dense, GRU(reset_after=False), SimpleRNN
seq = keras.Sequential([
    keras.Input((5,), dtype="int32", name="tokens"),
    layers.Embedding(20, 4, name="embed"),
    layers.Bidirectional(layers.LSTM(3, return_sequences=True), name="bilstm"),
    layers.TimeDistributed(layers.Dense(4, activation="relu"), name="td"),
    layers.GRU(3, reset_after=False, return_sequences=True, name="gru"),
    layers.SimpleRNN(2, name="rnn"),
    layers.Dense(2, name="out"),
], name="rnn_stack")
seq.save(f"{out}/rnn_stack.keras"); seq.save(f"{out}/rnn_stack.h5")
tokens = (np.arange(5).reshape(1, 5) * 7 % 20).astype("int32")
reference(seq, [tokens], f"{out}/rnn_stack.reference.json", "keras-3.15.1-jax")
print("ok")

# 3. functional model with a nested Sequential block and a shared Dense applied twice
block = keras.Sequential([layers.Dense(5, activation="relu", name="inner_a"), layers.BatchNormalization(name="inner_bn"), layers.Dense(4, name="inner_b")], name="block")
a = keras.Input((6,), name="left"); b = keras.Input((6,), name="right")
shared = layers.Dense(6, activation="tanh", name="shared")
h = layers.Concatenate(name="join")([shared(a), shared(b)])
h = layers.Dense(6, name="squeeze")(h)
h = block(h)
o = layers.Dense(2, name="head")(h)
nested = keras.Model([a, b], o, name="nested_outer")
ib = block.get_layer("inner_bn"); w = ib.get_weights()
ib.set_weights([rng.uniform(0.5, 1.5, w[0].shape), rng.uniform(-0.5, 0.5, w[1].shape), rng.uniform(-0.2, 0.2, w[2].shape), rng.uniform(0.5, 2, w[3].shape)])
nested.save(f"{out}/nested_outer.keras"); nested.save(f"{out}/nested_outer.h5")
x1 = det_input((1, 6)); x2 = -det_input((1, 6))[:, ::-1].copy()
names = ["join", "squeeze", "block", "head"]
probe = keras.Model(nested.inputs, [nested.get_layer(n).output for n in names])
outs = probe.predict([x1, x2], verbose=0)
ref = {"source": "keras-3.15.1-jax", "tolerance": 1e-6, "cross_checked_with": [],
       "inputs": [{"name": n, "shape": [1, 6], "dtype": "float32", "data": [float(v) for v in x.ravel()]} for n, x in (("left", x1), ("right", x2))],
       "outputs": [{"layer": n, "shape": list(o.shape), "dtype": "float32", "data": [float(v) for v in np.asarray(o).ravel()]} for n, o in zip(names, outs)]}
json.dump(ref, open(f"{out}/nested_outer.reference.json", "w"))
print("nested ok")
