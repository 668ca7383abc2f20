// Apache PDFBox preflight (PDF/A-1b) over many files in one JVM: the same
// check as org.apache.pdfbox.preflight.Validator_A1b, without a JVM start
// per file.  Run as a single-file program:
//   java -cp PDFBOX_JARS tests/archive/Preflight.java FILE.pdf...
// Prints "FILE: valid" or the errors; exit 0 only when all are valid.
import java.io.File;
import org.apache.pdfbox.preflight.PreflightDocument;
import org.apache.pdfbox.preflight.ValidationResult;
import org.apache.pdfbox.preflight.parser.PreflightParser;

public class Preflight {
    public static void main(String[] args) throws Exception {
        int bad = 0;
        for (String f : args) {
            ValidationResult r;
            try {
                PreflightParser parser = new PreflightParser(new File(f));
                parser.parse();
                try (PreflightDocument doc = parser.getPreflightDocument()) {
                    doc.validate();
                    r = doc.getResult();
                }
            } catch (Exception e) {
                System.out.println(f + ": cannot validate: " + e);
                bad++;
                continue;
            }
            if (r.isValid()) {
                System.out.println(f + ": valid");
            } else {
                bad++;
                System.out.println(f + ": INVALID");
                for (ValidationResult.ValidationError e : r.getErrorsList())
                    System.out.println("  " + e.getErrorCode() + " " + e.getDetails());
            }
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
