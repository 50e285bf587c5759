/**
 * Request classification: what level a request needs and which resource it acts on.
 * {@link dev.latchkey.core.classify.GitAwareMethodClassifier} is the default;
 * {@link dev.latchkey.core.classify.PathPatternClassifier} names resources from path patterns on any HTTP API;
 * {@link dev.latchkey.core.classify.PathCheck} and {@link dev.latchkey.core.classify.GitQuery} help write
 * classifiers (module {@code token-bitbucket} has one for Bitbucket Data Center).
 */
package dev.latchkey.core.classify;
