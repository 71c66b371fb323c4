package dev.fleetpulse.prometheus.amp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmpWorkspaceUrlTest {

    static final String WORKSPACE_ID = "ws-3f2b8c1e-7d4a-4e2b-9c61-0a5d8e7f1b24";

    @ParameterizedTest
    @CsvSource({
            "us-east-1, amazonaws.com",
            "eu-west-1, amazonaws.com",
            "ap-southeast-2, amazonaws.com",
            "eu-central-2, amazonaws.com",
            "us-gov-west-1, amazonaws.com",
            "cn-northwest-1, amazonaws.com.cn",
    })
    void shouldTakeRegionAndWorkspaceFromAWorkspaceUrl(String region, String domain) {
        String url = "https://aps-workspaces." + region + "." + domain + "/workspaces/" + WORKSPACE_ID
                + "/api/v1/remote_write";

        AmpWorkspaceUrl parsed = AmpWorkspaceUrl.parse(url);

        assertThat(parsed).isEqualTo(new AmpWorkspaceUrl(URI.create(url), region, WORKSPACE_ID));
        assertThat(AmpWorkspaceUrl.isAmpHost(url)).isTrue();
    }

    @Test
    void shouldAcceptAWorkspaceUrlWithSurroundingWhitespaceAndAnUpperCaseHost() {
        AmpWorkspaceUrl parsed = AmpWorkspaceUrl.parse(
                "  https://APS-WORKSPACES.EU-WEST-1.amazonaws.com/workspaces/ws-a1b2/api/v1/remote_write\n");

        assertThat(parsed.region()).isEqualTo("eu-west-1");
        assertThat(parsed.workspaceId()).isEqualTo("ws-a1b2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:9090/api/v1/write",
            "https://prometheus.example.com/api/v1/write",
            "https://aps.eu-west-1.amazonaws.com/workspaces/ws-a1b2/api/v1/remote_write",
            "https://aps-workspaces.eu-west-1.amazonaws.com.evil.example/workspaces/ws-a1b2/api/v1/remote_write",
            "not a url at all",
            "",
    })
    void shouldNotTakeOtherUrlsForWorkspaceUrls(String url) {
        assertThat(AmpWorkspaceUrl.isAmpHost(url)).isFalse();
        assertThatThrownBy(() -> AmpWorkspaceUrl.parse(url)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotTakeNullForAWorkspaceUrl() {
        assertThat(AmpWorkspaceUrl.isAmpHost(null)).isFalse();
        assertThatThrownBy(() -> AmpWorkspaceUrl.parse(null))
                .hasMessage("AMP remote-write URL is missing; expected "
                        + "https://aps-workspaces.<region>.amazonaws.com/workspaces/<ws-id>/api/v1/remote_write");
    }

    @Test
    void shouldSayTheHostIsWrongWhenItIsNotAnAmpHost() {
        assertThatThrownBy(() -> AmpWorkspaceUrl.parse("https://prometheus.example.com/api/v1/write"))
                .hasMessage("'https://prometheus.example.com/api/v1/write' is not an AMP workspace URL: the host "
                        + "must be aps-workspaces.<region>.amazonaws.com; expected "
                        + "https://aps-workspaces.<region>.amazonaws.com/workspaces/<ws-id>/api/v1/remote_write");
    }

    @Test
    void shouldSayThePathIsWrongWhenTheQueryEndpointIsGivenInsteadOfRemoteWrite() {
        String queryUrl = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-a1b2/api/v1/query";

        assertThat(AmpWorkspaceUrl.isAmpHost(queryUrl)).isTrue();
        assertThatThrownBy(() -> AmpWorkspaceUrl.parse(queryUrl))
                .hasMessage("'" + queryUrl + "' has the wrong path for AMP remote-write: expected "
                        + "/workspaces/<ws-id>/api/v1/remote_write (the workspace's 'Endpoint - remote write URL' "
                        + "in the AMP console)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-a1b2/api/v1/remote_write/",
            "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/a1b2/api/v1/remote_write",
            "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces//api/v1/remote_write",
            "https://aps-workspaces.eu-west-1.amazonaws.com/api/v1/remote_write",
            "https://aps-workspaces.eu-west-1.amazonaws.com",
    })
    void shouldRejectAWorkspaceHostWithAWrongPath(String url) {
        assertThatThrownBy(() -> AmpWorkspaceUrl.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has the wrong path for AMP remote-write");
    }

    @Test
    void shouldRequireHttps() {
        assertThatThrownBy(() -> AmpWorkspaceUrl.parse(
                "http://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-a1b2/api/v1/remote_write"))
                .hasMessageEndingWith("must use https: AMP accepts remote-write over TLS only");
    }

    @Test
    void shouldRejectAQueryString() {
        assertThatThrownBy(() -> AmpWorkspaceUrl.parse(
                "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-a1b2/api/v1/remote_write?x=1"))
                .hasMessageContaining("must not carry user info, a query or a fragment");
    }

    @Test
    void shouldSayTheRegionIsMissingWhenTheHostHasAPlaceholder() {
        String url = "https://aps-workspaces.REGION.amazonaws.com/workspaces/ws-a1b2/api/v1/remote_write";

        assertThatThrownBy(() -> AmpWorkspaceUrl.parse(url))
                .hasMessageStartingWith("'" + url + "' names no AWS region in its host ('region' is not a region "
                        + "name such as us-east-1)");
    }

    @Test
    void shouldExplainAMalformedUrl() {
        assertThatThrownBy(() -> AmpWorkspaceUrl.parse("https://aps-workspaces.eu-west-1.amazonaws.com/ws a"))
                .hasMessageStartingWith("'https://aps-workspaces.eu-west-1.amazonaws.com/ws a' is not a valid URL "
                        + "(Illegal character in path)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-central-2", "ap-southeast-5", "us-gov-west-1", "us-isob-east-1"})
    void shouldKnowRegionNames(String region) {
        assertThat(AmpWorkspaceUrl.isRegionName(region)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east", "useast1", "US-EAST-1", "eu-west-1 ", "us_east_1", ""})
    void shouldRejectWhatIsNoRegionName(String region) {
        assertThat(AmpWorkspaceUrl.isRegionName(region)).isFalse();
    }
}
