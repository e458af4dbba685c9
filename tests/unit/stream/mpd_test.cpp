#include "stream/mpd.hpp"

#include <gtest/gtest.h>

using namespace layer7::stream;

namespace {

// As ffmpeg's DASH muxer writes a VOD presentation (use_timeline 0), trimmed.
constexpr std::string_view vod = R"(<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011"
	type="static" mediaPresentationDuration="PT10.0S" maxSegmentDuration="PT2.0S" minBufferTime="PT4.0S">
	<ProgramInformation>
	</ProgramInformation>
	<Period id="0" start="PT0.0S">
		<AdaptationSet id="0" contentType="video" segmentAlignment="true">
			<Representation id="2" mimeType="video/mp4" codecs="avc1.42c01f" bandwidth="2000000" width="1280" height="720">
				<SegmentTemplate timescale="1000000" duration="2000000" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1">
				</SegmentTemplate>
			</Representation>
			<Representation id="0" mimeType="video/mp4" codecs="avc1.42c015" bandwidth="300000" width="426" height="240">
				<SegmentTemplate timescale="1000000" duration="2000000" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1">
				</SegmentTemplate>
			</Representation>
		</AdaptationSet>
		<AdaptationSet id="1" mimeType="audio/mp4">
			<SegmentTemplate timescale="48000" duration="96000" initialization="a/init.mp4" media="a/$Time$.m4s"/>
			<Representation id="3" codecs="mp4a.40.2" bandwidth="96000" audioSamplingRate="48000">
				<BaseURL>audio/</BaseURL>
			</Representation>
		</AdaptationSet>
	</Period>
</MPD>
)";

// A live one (use_timeline 1) after the window moved: startNumber follows the first S.
constexpr std::string_view live = R"(<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" minimumUpdatePeriod="PT1S"
	suggestedPresentationDelay="PT1S" availabilityStartTime="2026-12-03T13:46:09.598Z"
	publishTime="2026-12-03T13:46:13.635Z" timeShiftBufferDepth="PT4.0S" minBufferTime="PT2.0S">
	<BaseURL>http://cdn.example/live/</BaseURL>
	<Period id="0" start="PT0.0S">
		<AdaptationSet id="0" contentType="video">
			<SegmentTemplate timescale="12800" initialization="init-$RepresentationID$.m4s" media="c-$RepresentationID$-$Number%05d$.m4s" startNumber="4">
				<SegmentTimeline><S t="38400" d="12800" r="2" /><S d="6400"/><S t="70400" d="12800" r="-1"/></SegmentTimeline>
			</SegmentTemplate>
			<Representation id="0" bandwidth="300000" width="320" height="180"/>
			<Representation id="1" bandwidth="800000" width="640" height="360"/>
		</AdaptationSet>
	</Period>
</MPD>
)";

}  // namespace

TEST(StreamMpd, ReadsAStaticPresentationAsFfmpegWritesIt)
{
    auto mpd = parse_mpd(vod);
    ASSERT_TRUE(mpd) << mpd.error().describe();
    EXPECT_FALSE(mpd->dynamic);
    EXPECT_EQ(mpd->media_presentation_duration, 10.0);
    EXPECT_EQ(mpd->min_buffer_time, 4.0);
    ASSERT_EQ(mpd->periods.size(), 1u);
    EXPECT_EQ(mpd->periods[0].duration, 10.0);
    const AdaptationSet* video = mpd->adaptation_set("video");
    ASSERT_NE(video, nullptr);
    ASSERT_EQ(video->representations.size(), 2u);
    const Representation& low = video->representations[0];  // sorted by bandwidth
    EXPECT_EQ(low.id, "0");
    EXPECT_EQ(low.bandwidth, 300000u);
    EXPECT_EQ(low.width, 426);
    EXPECT_EQ(low.height, 240);
    EXPECT_EQ(low.codecs, "avc1.42c015");
    EXPECT_EQ(low.segments.timescale, 1000000u);
    EXPECT_EQ(expand_template(low.segments.initialization, low, 0, 0), "init-stream0.m4s");
    EXPECT_EQ(expand_template(low.segments.media, low, 3, 0), "chunk-stream0-00003.m4s");
    auto segments = list_segments(low.segments, *mpd->periods[0].duration, 1000);
    ASSERT_EQ(segments.size(), 5u);
    EXPECT_EQ(segments.back().number, 5u);
    EXPECT_EQ(segments.back().time, 8000000u);
}

TEST(StreamMpd, AudioInheritsTheSetTemplateAndTypeFromMimeType)
{
    auto mpd = parse_mpd(vod);
    ASSERT_TRUE(mpd);
    const AdaptationSet* audio = mpd->adaptation_set("audio");
    ASSERT_NE(audio, nullptr);
    const Representation& a = audio->representations[0];
    EXPECT_EQ(a.mime_type, "audio/mp4");
    EXPECT_EQ(a.base_urls, std::vector<std::string>{"audio/"});
    EXPECT_EQ(a.segments.timescale, 48000u);
    EXPECT_EQ(expand_template(a.segments.media, a, 2, 96000), "a/96000.m4s");
}

TEST(StreamMpd, ReadsALiveTimeline)
{
    auto mpd = parse_mpd(live);
    ASSERT_TRUE(mpd) << mpd.error().describe();
    EXPECT_TRUE(mpd->dynamic);
    EXPECT_EQ(mpd->availability_start_ms, 1796305569598LL);
    EXPECT_EQ(mpd->minimum_update_period, 1.0);
    EXPECT_EQ(mpd->time_shift_buffer_depth, 4.0);
    EXPECT_EQ(mpd->suggested_presentation_delay, 1.0);
    const auto& r = mpd->periods[0].adaptation_sets[0].representations[1];
    EXPECT_EQ(r.base_urls, std::vector<std::string>{"http://cdn.example/live/"});
    // r=-1 repeats up to the end of what the caller asks about: 8 s of the period here.
    auto s = list_segments(r.segments, 8, 1000);
    ASSERT_EQ(s.size(), 7u);
    EXPECT_EQ(s[0].number, 4u);
    EXPECT_EQ(s[0].time, 38400u);
    EXPECT_EQ(s[3].time, 76800u);  // after three of 12800
    EXPECT_EQ(s[3].duration, 6400u);
    EXPECT_EQ(s[4].time, 70400u);  // an explicit t resets the clock
    EXPECT_EQ(s[6].time, 96000u);
    EXPECT_EQ(s[6].number, 10u);
    EXPECT_EQ(list_segments(r.segments, 8, 2).size(), 2u);
}

TEST(StreamMpd, DurationAndDateSyntax)
{
    EXPECT_EQ(parse_iso_duration("PT10.0S"), 10.0);
    EXPECT_EQ(parse_iso_duration("PT1H2M3.5S"), 3723.5);
    EXPECT_EQ(parse_iso_duration("P1DT1S"), 86401.0);
    for (std::string_view bad : {"", "P", "PT", "P1Y", "PT1.S", "10S", "PTS", "PT1H1H", "PT-1S", "PT1M2"})
        EXPECT_EQ(parse_iso_duration(bad), std::nullopt) << bad;
    EXPECT_EQ(parse_date_time("1970-01-01T00:00:01Z"), 1000);
    EXPECT_EQ(parse_date_time("1970-01-01T01:00:01.5+01:00"), 1500);
    EXPECT_EQ(parse_date_time("1970-01-01T00:00:00"), 0);
    for (std::string_view bad :
         {"1970-13-01T00:00:00Z", "1970-02-30T00:00:00Z", "1970-01-01 00:00:00", "1970-01-01T00:00:00.Z"})
        EXPECT_EQ(parse_date_time(bad), std::nullopt) << bad;
}

TEST(StreamMpd, TemplateTags)
{
    Representation r;
    r.id = "v1";
    r.bandwidth = 800000;
    EXPECT_EQ(expand_template("$RepresentationID$/$Bandwidth$/$Number%03d$-$Time$-$$.m4s", r, 7, 123),
              "v1/800000/007-123-$.m4s");
    EXPECT_EQ(expand_template("$Number%d$", r, 7, 0), "7");
    for (std::string_view bad : {"$Bogus$", "$Number", "$RepresentationID%02d$", "$Number%2x$", "$Number%099d$"})
        EXPECT_EQ(expand_template(bad, r, 1, 0), std::nullopt) << bad;
}

TEST(StreamMpd, ClearErrorsForWhatAPlayerCannotUse)
{
    auto error = [](std::string_view xml) { return parse_mpd(xml).error(); };
    EXPECT_EQ(error("<MPD><Period>").code, MpdErrorCode::xml);
    EXPECT_EQ(error("<html/>").code, MpdErrorCode::not_mpd);
    EXPECT_EQ(error("<MPD type='live'/>").code, MpdErrorCode::bad_attribute);
    EXPECT_EQ(error("<MPD type='dynamic'/>").detail, "MPD@availabilityStartTime is required when type=\"dynamic\"");
    EXPECT_EQ(error("<MPD mediaPresentationDuration='ten'/>").detail, "MPD@mediaPresentationDuration=\"ten\"");
    EXPECT_EQ(error("<MPD/>").code, MpdErrorCode::no_periods);
    EXPECT_EQ(error("<MPD><Period><AdaptationSet><Representation id='1' "
                    "bandwidth='1'><SegmentBase/></Representation></AdaptationSet></Period></MPD>")
                  .code,
              MpdErrorCode::no_segment_template);
    EXPECT_EQ(error("<MPD><Period><AdaptationSet><Representation id='1'><SegmentTemplate media='x' "
                    "duration='1'/></Representation></AdaptationSet></Period></MPD>")
                  .detail,
              "Representation@bandwidth missing (id \"1\")");
    EXPECT_EQ(error("<MPD><Period><AdaptationSet><Representation id='1' bandwidth='1'><SegmentTemplate media='x' "
                    "timescale='0' duration='1'/></Representation></AdaptationSet></Period></MPD>")
                  .code,
              MpdErrorCode::bad_attribute);
    EXPECT_EQ(error("<MPD><Period><AdaptationSet><Representation id='1' bandwidth='1'><SegmentTemplate "
                    "media='x'/></Representation></AdaptationSet></Period></MPD>")
                  .code,
              MpdErrorCode::bad_attribute);
}

TEST(StreamMpd, RepresentationLimit)
{
    MpdLimits limits;
    limits.max_representations = 2;
    auto doc = [](int n) {
        std::string s = "<MPD><Period><AdaptationSet><SegmentTemplate media='m' duration='1'/>";
        for (int i = 0; i < n; ++i)
            s += "<Representation id='" + std::to_string(i) + "' bandwidth='1'/>";
        return s + "</AdaptationSet></Period></MPD>";
    };
    EXPECT_TRUE(parse_mpd(doc(2), limits));
    EXPECT_EQ(parse_mpd(doc(3), limits).error().code, MpdErrorCode::too_many);
}
