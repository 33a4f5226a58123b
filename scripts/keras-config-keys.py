"""The config keys each Keras layer class's get_config writes, per Keras version.

Static: reads, at a git tag, the get_config of the class and of the classes it inherits from (keys
set under a condition included, keys a subclass pops removed) without running Keras. Writes
src/test/resources/io/tensorspace/convert/tfjs/keras-config-keys.json, the union over the tags of
each version in VERSIONS below.

usage: python3 scripts/keras-config-keys.py <keras-team/keras clone> <keras-team/tf-keras clone> \
           > src/test/resources/io/tensorspace/convert/tfjs/keras-config-keys.json
(both clones with their tags)
"""
import ast, subprocess, sys, json, collections

def files(repo, tag, prefixes):
    out = subprocess.run(['git', '-C', repo, 'ls-tree', '-r', '--name-only', tag], capture_output=True, text=True).stdout.split()
    return [f for f in out if f.endswith('.py') and any(f.startswith(p) for p in prefixes) and 'test' not in f]

def source(repo, tag, f):
    return subprocess.run(['git', '-C', repo, 'show', f'{tag}:{f}'], capture_output=True, text=True).stdout

def base_name(b):
    if isinstance(b, ast.Name): return b.id
    if isinstance(b, ast.Attribute): return b.attr
    return None

def collect(repo, tag, prefixes):
    classes = {}
    for f in files(repo, tag, prefixes):
        try:
            tree = ast.parse(source(repo, tag, f))
        except SyntaxError as e:
            print('skip', f, e, file=sys.stderr); continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                methods = {n.name: n for n in node.body if isinstance(n, ast.FunctionDef)}
                classes.setdefault(node.name, (f, [base_name(b) for b in node.bases], methods))
    return classes

def strkeys(d):
    return [k.value for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]

def own(fn):
    added, removed, calls_super = set(), set(), False
    for n in ast.walk(fn):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Dict) and all(isinstance(t, ast.Name) for t in n.targets):
            added |= set(strkeys(n.value))
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Dict):
            added |= set(strkeys(n.value))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == 'update':
            for a in n.args:
                if isinstance(a, ast.Dict): added |= set(strkeys(a))
            added |= {k.arg for k in n.keywords if k.arg}
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == 'get_config':
            calls_super = True
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and isinstance(t.slice, ast.Constant):
                    added.add(t.slice.value)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == 'pop' and n.args and isinstance(n.args[0], ast.Constant):
            removed.add(n.args[0].value)
        if isinstance(n, ast.Delete):
            for t in n.targets:
                if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant): removed.add(t.slice.value)
    return added, removed, calls_super

def init_args(fn):
    a = fn.args
    return {x.arg for x in a.args[1:] + a.kwonlyargs}

def keys(classes, name, seen=()):
    if name not in classes or name in seen: return set(), []
    f, bases, methods = classes[name]
    if 'get_config' in methods:
        added, removed, sup = own(methods['get_config'])
        inherited, srcs = set(), []
        if sup:
            for b in bases:
                k, s = keys(classes, b, seen + (name,))
                inherited |= k; srcs += s
        return (inherited | added) - removed, [f] + srcs
    for b in bases:
        k, s = keys(classes, b, seen + (name,))
        if k or s: return k, s
    return set(), []

CLASSES = ['Activation', 'Add', 'AlphaDropout', 'Average', 'AveragePooling1D', 'AveragePooling2D',
    'AveragePooling3D', 'BatchNormalization', 'Bidirectional', 'CategoryEncoding', 'CenterCrop',
    'Concatenate', 'Conv1D', 'Conv2D', 'Conv2DTranspose', 'Conv3D', 'Conv3DTranspose', 'ConvLSTM2D',
    'Cropping2D', 'Dense', 'DepthwiseConv2D', 'Dot', 'Dropout', 'ELU', 'Embedding', 'Flatten', 'GRU',
    'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
    'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'InputLayer', 'LSTM', 'LayerNormalization',
    'LeakyReLU', 'Masking', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'Maximum', 'Minimum',
    'Multiply', 'PReLU', 'Permute', 'ReLU', 'RepeatVector', 'Rescaling', 'Reshape', 'Resizing',
    'SeparableConv2D', 'SimpleRNN', 'Softmax', 'SpatialDropout1D', 'ThresholdedReLU',
    'TimeDistributed', 'UpSampling2D', 'ZeroPadding2D']
KERAS1_CLASSES = ['Activation', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
    'BatchNormalization', 'Bidirectional', 'Convolution1D', 'Convolution2D', 'Deconvolution2D',
    'Convolution3D', 'Cropping2D', 'Dense', 'Dropout', 'ELU', 'Embedding', 'Flatten', 'GRU',
    'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
    'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'InputLayer', 'LSTM', 'LeakyReLU', 'Masking',
    'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'PReLU', 'Permute', 'RepeatVector', 'Reshape',
    'SeparableConvolution2D', 'SimpleRNN', 'SpatialDropout1D', 'ThresholdedReLU', 'TimeDistributed',
    'UpSampling2D', 'ZeroPadding2D', 'AtrousConvolution1D', 'AtrousConvolution2D']
PREFIXES = ['keras/layers', 'keras/engine', 'keras/src/layers', 'keras/ops/operation.py',
    'keras/src/ops/operation.py', 'tf_keras/layers', 'tf_keras/engine']
# version -> [(repository, tag)]
VERSIONS = {
    'keras1': [('keras', '1.2.2')],
    'keras2': [('keras', '2.2.0'), ('keras', '2.2.4'), ('keras', '2.3.1')],
    'tfkeras': [('keras', 'v2.6.0'), ('keras', 'v2.15.0'), ('tf-keras', 'v2.21.0')],
    'keras3': [('keras', 'v3.0.0'), ('keras', 'v3.5.0'), ('keras', 'v3.10.0'), ('keras', 'v3.15.1')],
}
COMMENT = [
    "The config keys each Keras version's get_config writes, per layer class: what LayerConfigKeysTest",
    "puts in the configs it converts and loads in TensorFlow.js, and what the corpus's keys are checked",
    "against. Made by scripts/keras-config-keys.py from keras-team/keras and keras-team/tf-keras at the",
    "tags named here (the get_config of the class and of the classes it inherits from, keys set under a",
    "condition included, keys popped by a subclass removed); 'sources' are the files read, as tag:path.",
    "Keras 3's 'name' comes from Operation.get_config and ELU's 'alpha' from Keras 3's automatic config",
    "of __init__ arguments, which a static reading misses: both are listed under 'added'."]


def build(repos):
    out = {'_comment': COMMENT, 'versions': {}}
    for version, tags in VERSIONS.items():
        names = KERAS1_CLASSES if version == 'keras1' else CLASSES
        merged = {}
        for repo, tag in tags:
            classes = collect(repos[repo], tag, PREFIXES)
            for name in names:
                found, sources = keys(classes, name)
                if not found:
                    continue
                entry = merged.setdefault(name, {'keys': set(), 'sources': set()})
                entry['keys'] |= found
                entry['sources'] |= {f'{repo}@{tag}:{s}' for s in sources}
        if version == 'keras3':
            for name, entry in merged.items():
                added = [k for k in (['name'] if name != 'InputLayer' else []) + (['alpha'] if name == 'ELU' else [])
                         if k not in entry['keys']]
                entry['keys'] |= set(added)
                if added:
                    entry['added'] = added
        out['versions'][version] = {
            'tags': [f'{repo}@{tag}' for repo, tag in tags],
            'classes': {name: {k: sorted(v) if isinstance(v, set) else v for k, v in entry.items()}
                        for name, entry in sorted(merged.items())}}
    return out


if __name__ == '__main__':
    json.dump(build({'keras': sys.argv[1], 'tf-keras': sys.argv[2]}), sys.stdout, indent=1)
    print()
