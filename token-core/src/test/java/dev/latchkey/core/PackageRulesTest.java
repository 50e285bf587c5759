package dev.latchkey.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executable half of ARCHITECTURE.md: the package rules of token-core's main code. A rule broken here is a
 * design decision to take in ARCHITECTURE.md first, not a line to delete.
 */
class PackageRulesTest {
    private static final String[] ENGINE_PARTS = {
        "dev.latchkey.core.internal.authn..", "dev.latchkey.core.internal.cluster..",
        "dev.latchkey.core.internal.policy..", "dev.latchkey.core.internal.lifecycle..",
        "dev.latchkey.core.internal.audit.."};

    private static JavaClasses core;

    @BeforeAll
    static void importMainClasses() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.latchkey.core");
    }

    @Test
    void packagesWhenImportedThenFreeOfCycles() {
        slices().matching("dev.latchkey.core.(*)..").should().beFreeOfCycles().check(core);
        slices().matching("dev.latchkey.core.internal.(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void apiPackagesWhenImportedThenOnlyTheEntryPointSeesTheEngineParts() {
        noClasses().that().resideInAnyPackage("dev.latchkey.core", "dev.latchkey.core.classify..",
                        "dev.latchkey.core.memory..")
                .and().doNotHaveFullyQualifiedName(Latchkey.class.getName())
                .and().doNotHaveFullyQualifiedName(Latchkey.Builder.class.getName())
                .and().doNotHaveSimpleName("LatchkeyAssembly")
                .and().doNotHaveSimpleName("BackgroundWork")
                .and().resideOutsideOfPackage("dev.latchkey.core.internal..")
                .should().dependOnClassesThat().resideInAnyPackage(ENGINE_PARTS)
                .because("hosts program against the API; only Latchkey wires the engine's parts")
                .check(core);
    }

    @Test
    void enginePartsWhenImportedThenNeverSeeTheAuthenticator() {
        noClasses().that().resideInAnyPackage("dev.latchkey.core.internal.cluster..",
                        "dev.latchkey.core.internal.policy..", "dev.latchkey.core.internal.lifecycle..",
                        "dev.latchkey.core.internal.audit..")
                .should().dependOnClassesThat().haveSimpleName("TokenAuthenticator")
                .because("the hot path depends on the other parts, never the other way round")
                .check(core);
    }

    @Test
    void coreWhenImportedThenSeesNoServletSqlOrBitbucket() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "javax.servlet..",
                        "java.sql..", "javax.sql..", "dev.latchkey.servlet..", "dev.latchkey.rest..", "dev.latchkey.jdbc..",
                        "dev.latchkey.bitbucket..")
                .because("DESIGN.md: the engine is servlet-free and store-agnostic, Bitbucket lives in its module")
                .check(core);
    }
}
