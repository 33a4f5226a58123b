"""The config keys each Keras layer class's get_config writes, at one tag of keras-team/keras.

Static: reads the get_config of the class and of the classes it inherits from (keys set under a
condition included, keys a subclass pops removed) without running Keras. Used to make
src/test/resources/io/tensorspace/convert/tfjs/keras-config-keys.json (tags 1.2.2, 2.2.4, v2.15.0,
v3.0.0, v3.15.1; see its _comment for what was added by hand).

usage: python3 keras-config-keys.py <tag> <Class,Class,...> <path prefix,...>   (JSON on stdout)
       e.g. python3 keras-config-keys.py 2.2.4 Dense,LSTM keras/layers,keras/engine
REPO below is a clone of keras-team/keras with its tags.
"""
import ast, subprocess, sys, json, collections
import os
REPO = os.environ.get('KERAS_REPO', '/work/.mirror/keras-team+keras/repo')

def files(tag, prefixes):
    out = subprocess.run(['git', '-C', REPO, 'ls-tree', '-r', '--name-only', tag], capture_output=True, text=True).stdout.split()
    return [f for f in out if f.endswith('.py') and any(f.startswith(p) for p in prefixes) and 'test' not in f]

def source(tag, f):
    return subprocess.run(['git', '-C', REPO, 'show', f'{tag}:{f}'], capture_output=True, text=True).stdout

def base_name(b):
    if isinstance(b, ast.Name): return b.id
    if isinstance(b, ast.Attribute): return b.attr
    return None

def collect(tag, prefixes):
    classes = {}
    for f in files(tag, prefixes):
        try:
            tree = ast.parse(source(tag, f))
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

if __name__ == '__main__':
    tag, names = sys.argv[1], sys.argv[2].split(',')
    prefixes = sys.argv[3].split(',')
    classes = collect(tag, prefixes)
    out = {}
    for n in names:
        k, srcs = keys(classes, n)
        out[n] = {'keys': sorted(k), 'sources': sorted(set(srcs))}
    json.dump(out, sys.stdout, indent=1)
