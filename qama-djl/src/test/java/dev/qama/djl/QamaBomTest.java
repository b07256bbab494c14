package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * qama-bom (qama-djl/bom/pom.xml) has no parent, so nothing but this test keeps it in step with the
 * reactor: its version is the parent's and it manages every library module (all modules but the
 * benchmarks application and itself).
 */
class QamaBomTest {
    private static final Path PARENT = Path.of("..", "pom.xml");
    private static final Path BOM = Path.of("bom", "pom.xml");

    /**
     * The text of the first {@code <tag>} directly under {@code <project>} (not in parent etc.).
     */
    static String projectElement(String pom, String tag) {
        String body = pom.replaceAll("(?s)<!--.*?-->", "");
        // drop nested sections that carry their own groupId/artifactId/version
        for (String nested :
                new String[] {
                    "parent",
                    "dependencyManagement",
                    "dependencies",
                    "build",
                    "profiles",
                    "developers",
                    "scm",
                    "licenses"
                }) {
            body = body.replaceAll("(?s)<" + nested + ">.*?</" + nested + ">", "");
        }
        Matcher m = Pattern.compile("<" + tag + ">([^<]*)</" + tag + ">").matcher(body);
        assertTrue(m.find(), "no <" + tag + "> in the project element");
        return m.group(1).trim();
    }

    @Test
    void theBomHasTheReactorVersionAndManagesEveryLibraryModule() throws Exception {
        String parent = Files.readString(PARENT, StandardCharsets.UTF_8);
        String bom = Files.readString(BOM, StandardCharsets.UTF_8);
        assertEquals("qama-bom", projectElement(bom, "artifactId"));
        assertEquals(projectElement(parent, "version"), projectElement(bom, "version"));
        assertFalse(bom.replaceAll("(?s)<!--.*?-->", "").contains("<parent>"), "no parent");

        List<String> libraries = new ArrayList<>();
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (module.find()) {
            Path dir = Path.of("..").resolve(module.group(1));
            String pom = Files.readString(dir.resolve("pom.xml"), StandardCharsets.UTF_8);
            String artifact = projectElement(pom, "artifactId");
            boolean application = pom.contains("<maven.install.skip>true</maven.install.skip>");
            if (!application && !artifact.equals("qama-bom")) {
                libraries.add(artifact);
            }
        }
        assertEquals(List.of("qama-core", "qama-cim-sim", "qama-djl"), libraries);
        String managed = bom.substring(bom.indexOf("<dependencyManagement>"));
        for (String artifact : libraries) {
            assertTrue(
                    managed.contains(
                            "<artifactId>"
                                    + artifact
                                    + "</artifactId>\n        <version>${project.version}</version>"),
                    "qama-bom must manage " + artifact + " at ${project.version}");
        }
    }
}
