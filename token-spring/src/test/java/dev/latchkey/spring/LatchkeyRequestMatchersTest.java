package dev.latchkey.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;

/** Which requests escape CSRF protection: only JSON to the REST API, and token-authenticated ones. */
class LatchkeyRequestMatchersTest {
    private final RequestMatcher rest = LatchkeyRequestMatchers.restApiJson(new TokenRestApiMount("/rest/latchkey/1.0"));

    private static MockHttpServletRequest post(String servletPath, String pathInfo, String contentType) {
        MockHttpServletRequest r = new MockHttpServletRequest("POST", servletPath + (pathInfo == null ? "" : pathInfo));
        r.setServletPath(servletPath);
        r.setPathInfo(pathInfo);
        if (contentType != null) {
            r.setContentType(contentType);
        }
        return r;
    }

    @Test
    void restApiJsonWhenJsonUnderTheMountThenExempt() {
        assertThat(rest.matches(post("/rest/latchkey/1.0", "/tokens", "application/json"))).isTrue();
        assertThat(rest.matches(post("/rest/latchkey/1.0", "/tokens", "Application/JSON; charset=UTF-8"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain",
            "text/json", "application/jsonx", "application/json-patch+json", "application/*", "*/*", "", "json",
            "application/json, text/plain", "application/x-json", ";application/json"})
    void restApiJsonWhenCrossSiteSendableOrOddContentTypeThenStillProtected(String type) {
        assertThat(rest.matches(post("/rest/latchkey/1.0", "/tokens", type))).as(type).isFalse();
    }

    @Test
    void restApiJsonWhenNoContentTypeThenStillProtected() {
        assertThat(rest.matches(post("/rest/latchkey/1.0", "/tokens", null))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/rest/latchkey/1.0evil", "/rest/latchkey/1", "/api/tokens", "/rest/latchkey", "/"})
    void restApiJsonWhenPathOnlyLooksLikeTheMountThenStillProtected(String path) {
        assertThat(rest.matches(post(path, null, "application/json"))).as(path).isFalse();
    }

    @Test
    void tokenAuthenticatedWhenNoTokenAttributeThenStillProtected() {
        MockHttpServletRequest r = post("/api", "/notes", "text/plain");
        r.setAttribute(dev.latchkey.servlet.LatchkeyAttributes.TOKEN, "forged-by-a-string");
        assertThat(LatchkeyRequestMatchers.tokenAuthenticated().matches(r)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "rest", "/rest/", "/rest/../admin", "/rest/./x", "/rest/*", "/rest latchkey",
            "/rest/latchkey/1.0/.."})
    void mountWhenBasePathMalformedThenRefusedNamingIt(String path) {
        assertThatThrownBy(() -> new TokenRestApiMount(path)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("basePath");
    }
}
