// Checks OWL files as ROBOT's validate-profile and a DL reasoner do, with the OWL API and HermiT
// that owlready2 ships. Run as a single-file source program (Java 11+):
//   java -cp HERMIT_DIR:HERMIT_DIR/HermiT.jar OwlCheck.java FILE...
// For each FILE it prints tab-separated lines: FILE, a check, and what it found:
//   FILE  profile  OWL 2 DL|OWL 2 RL  violation: TEXT      (one line per violation)
//   FILE  profile  OWL 2 DL|OWL 2 RL  in profile
//   FILE  hermit   consistent|inconsistent
//   FILE  hermit   unsatisfiable: CLASS                     (one line per class)
//   FILE  error    TEXT                                     (the file could not be loaded or reasoned on)
// HermiT never ignores datatypes here: a literal outside the OWL 2 datatype map is an error.
import java.io.File;
import org.semanticweb.HermiT.Configuration;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLClass;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWL2RLProfile;
import org.semanticweb.owlapi.profiles.OWLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlCheck {
    public static void main(String[] args) {
        for (String path : args) {
            try {
                check(path);
            } catch (Exception error) {
                System.out.println(path + "\terror\t" + oneLine(error.toString()));
            }
        }
    }

    private static void check(String path) throws Exception {
        // A new manager per file: the files share one ontology IRI.
        OWLOntology ontology = OWLManager.createOWLOntologyManager()
            .loadOntologyFromOntologyDocument(new File(path));
        for (OWLProfile profile : new OWLProfile[] {new OWL2DLProfile(), new OWL2RLProfile()}) {
            OWLProfileReport report = profile.checkOntology(ontology);
            for (OWLProfileViolation violation : report.getViolations()) {
                System.out.println(path + "\tprofile\t" + profile.getName() + "\tviolation: "
                    + oneLine(violation.toString()));
            }
            if (report.isInProfile()) {
                System.out.println(path + "\tprofile\t" + profile.getName() + "\tin profile");
            }
        }
        Configuration configuration = new Configuration();
        configuration.ignoreUnsupportedDatatypes = false;
        Reasoner hermit = new Reasoner(configuration, ontology);
        if (!hermit.isConsistent()) {
            System.out.println(path + "\thermit\tinconsistent");
            return;
        }
        System.out.println(path + "\thermit\tconsistent");
        for (OWLClass unsatisfiable : hermit.getUnsatisfiableClasses().getEntitiesMinusBottom()) {
            System.out.println(path + "\thermit\tunsatisfiable: " + unsatisfiable.getIRI());
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}
