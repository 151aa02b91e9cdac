/*
 * eisops test harness: a stand-in for the four analysis-common components that
 * Elasticsearch's own .security index mapping needs.
 *
 * Why: the integ-test-zip distribution (8.19.x and 9.x) ships without the
 * analysis-common module, but the .security-7 index that stores API keys,
 * native users and roles declares an "email" analyzer built from the
 * uax_url_email tokenizer and the pattern_capture, lowercase and unique token
 * filters. Without them every write to the security index (POST
 * /_security/api_key included) fails with "Unknown filter type
 * [pattern_capture]". This plugin registers those names with Lucene's own
 * implementations (lucene-analysis-common is in the server's lib/).
 *
 * What it must not do: register anything the distribution already has (the
 * harness only installs it when modules/analysis-common is absent), or be
 * relied on for analysis semantics: "unique" here only drops duplicates at
 * the same position (Lucene's RemoveDuplicatesTokenFilter), unlike ES's.
 *
 * Compiled by tests/real_es/shim.py against each distribution's lib/*.jar;
 * the APIs used (Plugin, AnalysisPlugin, AnalysisProvider, TokenFilterFactory,
 * TokenizerFactory) have the same shape in 8.19 and 9.x.
 */
package org.eisops.testshim;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

public class EisopsAnalysisShim extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "lowercase", (indexSettings, env, name, settings) -> new TokenFilterFactory() {
                @Override public String name() { return name; }
                @Override public TokenStream create(TokenStream in) { return new LowerCaseFilter(in); }
                @Override public TokenStream normalize(TokenStream in) { return new LowerCaseFilter(in); }
            },
            "unique", (indexSettings, env, name, settings) -> new TokenFilterFactory() {
                @Override public String name() { return name; }
                @Override public TokenStream create(TokenStream in) { return new RemoveDuplicatesTokenFilter(in); }
            },
            "pattern_capture", AnalysisPlugin.requiresAnalysisSettings((indexSettings, env, name, settings) -> {
                List<String> regexes = settings.getAsList("patterns");
                if (regexes.isEmpty()) {
                    throw new IllegalArgumentException("pattern_capture filter [" + name + "] needs [patterns]");
                }
                Pattern[] patterns = regexes.stream().map(Pattern::compile).toArray(Pattern[]::new);
                boolean preserveOriginal = settings.getAsBoolean("preserve_original", true);
                return new TokenFilterFactory() {
                    @Override public String name() { return name; }
                    @Override public TokenStream create(TokenStream in) {
                        return new PatternCaptureGroupTokenFilter(in, preserveOriginal, patterns);
                    }
                };
            })
        );
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of(
            "uax_url_email", (indexSettings, env, name, settings) -> {
                int maxTokenLength = settings.getAsInt("max_token_length", 255);
                return TokenizerFactory.newFactory(name, () -> {
                    UAX29URLEmailTokenizer t = new UAX29URLEmailTokenizer();
                    t.setMaxTokenLength(maxTokenLength);
                    return t;
                });
            }
        );
    }
}
