import java.util.jar.JarFile
import javax.xml.parsers.DocumentBuilderFactory
import javax.xml.xpath.XPathConstants
import javax.xml.xpath.XPathFactory

def xpath = XPathFactory.newInstance().newXPath()
def parse = { InputStream in -> DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in) }

// the plugin jar exactly as invoker:install put it into the ITs' local repository
String version = new File(basedir, 'pom.xml').withInputStream { in ->
  xpath.evaluate("/*[local-name()='project']/*[local-name()='properties']/*[local-name()='tensorspace.plugin.version']", parse(in))
}
File jar = new File(localRepositoryPath,
    "io/tensorspace/tensorspace-maven-plugin/${version}/tensorspace-maven-plugin-${version}.jar")
assert jar.isFile() : "plugin jar not installed: ${jar}"

new JarFile(jar).withCloseable { zip ->
  def entry = zip.getEntry('META-INF/m2e/lifecycle-mapping-metadata.xml')
  assert entry != null : "no META-INF/m2e/lifecycle-mapping-metadata.xml in ${jar.name}"
  def doc = zip.getInputStream(entry).withCloseable { parse(it) }
  def goals = xpath.evaluate('//pluginExecution/pluginExecutionFilter/goals/goal', doc, XPathConstants.NODESET)
  def mapped = (0..<goals.length).collect { goals.item(it).textContent.trim() } as Set
  assert mapped == ['preprocess', 'summary'] as Set : "goals mapped: ${mapped}"
  def action = { String goal -> "//pluginExecution[pluginExecutionFilter/goals/goal='${goal}']/action" }
  assert xpath.evaluate(action('preprocess') + '/execute/runOnIncremental', doc).trim() == 'true' :
      'preprocess does not run on incremental builds'
  assert xpath.evaluate(action('preprocess') + '/execute/runOnConfiguration', doc).trim() == 'true' :
      'preprocess does not run on configuration changes'
  assert xpath.evaluate("count(${action('summary')}/ignore)", doc) == '1' : 'summary is not ignored'
}
return true
