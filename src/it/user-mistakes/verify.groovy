String log = new File(basedir, 'build.log').getText('UTF-8')
// user mistakes are MojoFailureExceptions naming the model and the path as typed, never "Unexpected failure"
assert !log.contains('Unexpected failure') : 'a user mistake was reported as an unexpected failure'
assert log.contains("Model 'mnist' (-Dtensorspace.source=https://example.com/models/mnist.h5") :
    'the URL failure does not show the source as typed'
assert log.contains('is a URL, but models are read from local files or folders only') : 'no URL advice'
assert log.contains("Model 'lenet' (<source>src/main/models/nothere.h5</source>, resolved against ") :
    'the missing source is not named as written in the POM'
assert log.contains(new File(basedir, 'src/main/models/nothere.h5').getPath() + ' does not exist') :
    'the missing source is not named as resolved'
// a TensorFlow.js model given as its folder converts like its model.json
File modelJson = new File(basedir, 'target/folder-out/model.json')
assert modelJson.isFile() : 'the folder source was not converted'
assert new groovy.json.JsonSlurper().parse(modelJson, 'UTF-8').format == 'layers-model'
return true
