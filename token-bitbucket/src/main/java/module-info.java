/**
 * Latchkey's knowledge of Bitbucket Data Center: {@link dev.latchkey.bitbucket.BitbucketRequestClassifier}
 * decides what each request of Bitbucket's REST API, git over HTTP and Git LFS needs from a token. Only
 * {@code dev.latchkey.bitbucket} is exported; the endpoint table lives in {@code dev.latchkey.bitbucket.internal}.
 */
module dev.latchkey.bitbucket {
    requires transitive dev.latchkey.core;
    requires com.fasterxml.jackson.databind;

    exports dev.latchkey.bitbucket;
}
