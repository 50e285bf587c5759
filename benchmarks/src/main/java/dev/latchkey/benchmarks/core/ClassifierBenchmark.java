package dev.latchkey.benchmarks.core;

import dev.latchkey.benchmarks.Scenario;
import dev.latchkey.bitbucket.BitbucketRequestClassifier;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.core.classify.Requirement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Bitbucket request classifier against its rival, in one run: {@code legacy} is the classifier before issue
 * 10 ({@link LegacyBitbucketClassifier}, which knew {@code /rest/api/1.0/projects/...} only and is the speed the
 * hot path must not fall below), {@code current} is {@link BitbucketRequestClassifier} over the whole documented
 * API. Requests: {@code restRead} is the hot path's ({@link Scenario#REQUEST}), {@code restComment} a pull-request
 * comment, {@code git} a clone's {@code git-upload-pack}. Forks alternate the rivals, so machine load falls on
 * both.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ClassifierBenchmark -f 5 -wi 5 -w 1s -i 5 -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ClassifierBenchmark {
    @Param({"legacy", "current"})
    public String classifier;

    @Param({"restRead", "restComment", "git"})
    public String request;

    private RequestClassifier rival;
    private RequestFacts facts;

    @Setup(Level.Trial)
    public void setUp() {
        rival = switch (classifier) {
            case "legacy" -> new LegacyBitbucketClassifier();
            case "current" -> new BitbucketRequestClassifier();
            default -> throw new IllegalArgumentException("classifier: legacy or current, not " + classifier);
        };
        facts = switch (request) {
            case "restRead" -> Scenario.REQUEST;
            case "restComment" -> RequestFacts.of("POST",
                    "/rest/api/1.0/projects/DEMO/repos/demo-repo/pull-requests/12/comments", Scenario.CLIENT_IP);
            case "git" -> RequestFacts.of("POST", "/scm/DEMO/demo-repo.git/git-upload-pack", Scenario.CLIENT_IP);
            default -> throw new IllegalArgumentException("request: restRead, restComment or git, not " + request);
        };
    }

    @Benchmark
    public Requirement classify() {
        return rival.classify(facts);
    }
}
