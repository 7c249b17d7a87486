// Draws the dashboard charts from the JSON the page embeds; a click on a bar or point opens
// the filtered list behind it (the URL travels with the data, so links match the tables).
(function () {
  "use strict";
  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw(id, option, onClick) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") return null;
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(option);
    if (onClick) chart.on("click", onClick);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }
  var data = readJson("dashboard-data");
  if (data) {
    var bars = data.bars;
    draw("chart-bars", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 10, top: 40, bottom: 60 },
      xAxis: { type: "category", data: bars.categories, axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: bars.series.map(function (s) {
        return { name: s.name, type: "bar", stack: s.stack, data: s.data };
      })
    }, function (params) {
      var series = bars.series[params.seriesIndex];
      if (series && series.urls[params.dataIndex]) window.location.href = series.urls[params.dataIndex];
    });
    var trend = data.trend;
    draw("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { data: ["发现", "销号"], top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 50 },
      xAxis: { type: "category", data: trend.months, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "发现", type: "line", data: trend.found },
        { name: "销号", type: "line", data: trend.closed }
      ]
    }, function (params) {
      window.location.href = params.seriesIndex === 1 ? trend.closed_url : trend.found_url;
    });
  }
  var coverage = readJson("coverage-data");
  if (coverage && coverage.names.length) {
    draw("chart-coverage", {
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 10, bottom: 50 },
      xAxis: { type: "category", data: coverage.names, axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: [{
        type: "bar", data: coverage.shares,
        markLine: { symbol: "none", data: [{ yAxis: 20, name: "20%" }], lineStyle: { color: "#dc3545" } }
      }]
    }, function () { window.location.href = coverage.url; });
  }
})();
