String log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('BUILD FAILURE')
// a wrong layer name is a problem with the user's input: MojoFailureException, not MojoExecutionException
assert log.contains('MAVEN/MojoFailureException') : 'expected a MojoFailureException'
assert log.contains("no layer named 'Dense_9'") : 'the failure does not name the unknown layer'
assert log.contains('did you mean') : 'no suggestion for the misspelt layer'
['Conv2D_1', 'MaxPooling2D_2', 'Dense_1', 'Dense_2', 'Softmax'].each { name ->
  assert log.contains(name) : "valid layer ${name} not listed in the message"
}
assert !new File(basedir, 'target/generated-resources/tensorspace/lenet/model.json').exists() :
    'a model.json was written although the build failed'
return true
