// the command-line model goes directly into the output directory, not into a sub-folder
File out = new File(basedir, 'target/cli-out')
File modelJson = new File(out, 'model.json')
assert modelJson.isFile() : "no model.json in ${out}: ${out.list()}"
assert new File(out, 'group1-shard1of1.bin').isFile() : "no weights shard in ${out}: ${out.list()}"
assert !new File(out, 'mnist').exists() : 'the command-line model went into a sub-folder'
def json = new groovy.json.JsonSlurper().parse(modelJson, 'UTF-8')
assert json.format == 'layers-model'

String log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains("TensorSpace model 'mnist'") : 'no one-line summary of the preprocess run'
// the summary goal's table
assert log.contains('Params') && log.contains('Output shape') : 'no summary table header in build.log'
['Conv2D_1', 'MaxPooling2D_1', 'Conv2D_2', 'flatten_1', 'Dense_1', 'Dense_2', 'Softmax'].each { name ->
  assert log =~ /(?m)^\[INFO\] ${name}\s/ : "summary table has no row for ${name}"
}
return true
