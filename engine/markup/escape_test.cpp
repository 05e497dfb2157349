// The escapers against references written out by hand from the HTML, XML 1.0 and GitHub
// markdown rules (not produced by the code under test).
#include "engine/markup/escape.hpp"

#include <gtest/gtest.h>

#include <string>

namespace neuro::markup {
namespace {

TEST(Escape, HtmlFiveCharacters) {
  EXPECT_EQ(html_escape("a<b & c>\"d\" 'e'"), "a&lt;b &amp; c&gt;&quot;d&quot; &#39;e&#39;");
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;");  // already-escaped text is escaped again
  EXPECT_EQ(html_escape("plain ascii 123"), "plain ascii 123");
  EXPECT_EQ(html_escape("line\nbreak\ttab"), "line\nbreak\ttab");
  EXPECT_EQ(html_escape("µs – ü"), "µs – ü");  // UTF-8 bytes pass untouched
  EXPECT_EQ(html_escape(""), "");
}

TEST(Escape, XmlControls) {
  EXPECT_EQ(xml_escape("<t a=\"1\">x & y</t>"), "&lt;t a=&quot;1&quot;&gt;x &amp; y&lt;/t&gt;");
  EXPECT_EQ(xml_escape("it's"), "it's");
  EXPECT_EQ(xml_escape(std::string("a\x01"
                                   "b\x1f"
                                   "c\rd\ne\tf",
                                   11)),
            "a?b?c?d\ne\tf");
  EXPECT_EQ(xml_escape(std::string("nul\0end", 7)), "nul?end");
  EXPECT_EQ(xml_escape("µs"), "µs");  // bytes >= 0x80 are UTF-8, not controls
}

TEST(Escape, MarkdownPunctuation) {
  EXPECT_EQ(markdown_escape("a|b `c` *d* _e_ [f] \\ #g"),
            "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\] \\\\ \\#g");
  EXPECT_EQ(markdown_escape("<script>&"), "&lt;script&gt;&amp;");
  EXPECT_EQ(markdown_escape("two\nlines\r\n"), "two lines  ");
  EXPECT_EQ(markdown_escape("\"quoted\" it's"), "\"quoted\" it's");
}

TEST(Escape, MarkdownTablePipes) {
  EXPECT_EQ(markdown_table_pipes("BM_A/x|y"), "BM_A/x\\|y");
  EXPECT_EQ(markdown_table_pipes("a_b*c`<&>"), "a_b*c`<&>");
  EXPECT_EQ(markdown_table_pipes("||"), "\\|\\|");
}

}  // namespace
}  // namespace neuro::markup
