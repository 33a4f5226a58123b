File target = new File(basedir, 'target')
assert target.isDirectory() : 'the build did not run'
assert !new File(target, 'generated-resources/tensorspace').exists() : 'output folder created although skipped'
def converted = []
target.eachFileRecurse { if (it.name == 'model.json' || it.name.endsWith('.bin')) converted << it }
assert converted.isEmpty() : "model files in target although skipped: ${converted}"

String log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('TensorSpace preprocessing skipped') : 'build.log does not say the goal was skipped'
assert !log.contains("TensorSpace model '") : 'a model was converted although skipped'
return true
