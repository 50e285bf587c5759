/**
 * Request classification: what level a request needs and which resource it acts on.
 * {@link dev.latchkey.core.classify.GitAwareMethodClassifier} is the default;
 * {@link dev.latchkey.core.classify.BitbucketRequestClassifier} understands Bitbucket's REST and git URLs.
 */
package dev.latchkey.core.classify;
