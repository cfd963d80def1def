// The arena picture of GoogLeNet's plan: axes with units, a legend naming every stream's
// colour, and one hover title per block naming its value, bytes and live steps.
#include "graph/planner/plan_svg.h"

#include <gtest/gtest.h>

#include <string>

#include "graph/json_io.h"
#include "graph/passes/passes.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/plan_dot.h"
#include "graph/planner/schedule.h"
#include "graph/shape_inference.h"

namespace incept {
namespace {

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

TEST(PlanSvg, GoogLeNetHasAxesWithUnitsALegendAndHoverTitles) {
  Graph g = LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet.json");
  InferShapes(g, Shape{2, 3, 224, 224});
  Plan plan = ScheduleStreams(g, 4);
  PlanMemory(g, plan);
  const std::string svg = MemoryPlanToSvg(g, plan);

  EXPECT_EQ(Count(svg, "arena offset (MiB)</text>"), 1);
  EXPECT_EQ(Count(svg, ">step (0: the caller writes the input; "), 1);
  EXPECT_NE(svg.find("text-anchor=\"end\">0</text>"), std::string::npos);  // the y origin
  EXPECT_GE(Count(svg, "text-anchor=\"middle\">"), 4);                     // x ticks and titles

  // Legend: one swatch per stream, in its colour, plus input, view and workspace.
  EXPECT_EQ(Count(svg, "<rect class=\"swatch\""), plan.num_streams + 3);
  for (int s = 0; s < plan.num_streams; ++s) {
    const size_t label = svg.find(">stream " + std::to_string(s));
    ASSERT_NE(label, std::string::npos) << s;
    const size_t swatch = svg.rfind("<rect class=\"swatch\"", label);
    EXPECT_NE(svg.substr(swatch, label - swatch).find(StreamColor(s)), std::string::npos) << s;
  }

  // Every value and workspace is a block whose title names it.
  int blocks = static_cast<int>(g.nodes.size());
  for (const WorkspacePlacement& w : plan.workspaces) blocks += w.bytes > 0;
  EXPECT_EQ(Count(svg, "<rect class=\"block\""), blocks);
  EXPECT_EQ(Count(svg, "</title></rect>"), blocks);
  const int conv1 = g.IndexOf("conv1/7x7_s2");
  ASSERT_GE(conv1, 0);
  EXPECT_NE(svg.find("<title>conv1/7x7_s2: buffer, " + std::to_string(plan.values[conv1].bytes) +
                     " bytes at ["),
            std::string::npos);
}

}  // namespace
}  // namespace incept
