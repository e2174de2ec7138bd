// wirewatch desk: the interactive map (Leaflet and Leaflet.markercluster, served by the desk
// from their npm packages). No tiles: country and province borders are GeoJSON from the desk.
// Text from the data (place names, titles) is only ever set as textContent.
"use strict";
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L || !el.getAttribute("data-points")) { return; }

  var map = L.map(el, { minZoom: 2, maxZoom: 14, worldCopyJump: true, zoomSnap: 0.5,
                        maxBounds: [[-85, -400], [85, 400]] });
  map.setView([20, 15], 2);
  map.attributionControl.addAttribution("borders: Natural Earth");
  map.createPane("borders").style.zIndex = 250;
  map.createPane("labels").style.zIndex = 450;
  map.getPane("labels").style.pointerEvents = "none";

  function textNode(tag, text) {
    var node = document.createElement(tag);
    node.textContent = text;
    return node;
  }
  function label(latlng, text, kind) {
    return L.marker(latlng, { pane: "labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "map-label " + kind, html: textNode("span", text),
                        iconSize: null }) });
  }

  var countryLabels = { 3: L.layerGroup(), 4: L.layerGroup(), 5: L.layerGroup() };
  var admin1Layer = L.layerGroup().addTo(map);
  var admin1Labels = L.layerGroup();
  var countryShapes = [];
  var loadedAdmin1 = {};

  function syncLabels() {
    var zoom = map.getZoom();
    Object.keys(countryLabels).forEach(function (from) {
      if (zoom >= Number(from)) { countryLabels[from].addTo(map); } else { countryLabels[from].remove(); }
    });
    if (zoom >= 6) { admin1Labels.addTo(map); } else { admin1Labels.remove(); }
  }

  function loadAdmin1() {
    if (map.getZoom() < 5) { return; }
    var view = map.getBounds();
    countryShapes.forEach(function (shape) {
      var code = shape.code;
      if (loadedAdmin1[code] || !view.intersects(shape.bounds)) { return; }
      loadedAdmin1[code] = true;
      fetch("/map/admin1/" + encodeURIComponent(code) + ".geojson").then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (fc) {
        if (!fc) { return; }
        L.geoJSON(fc, { pane: "borders", interactive: false,
          style: { color: "#8c99a3", weight: 0.8, dashArray: "3 3", fill: false } })
          .addTo(admin1Layer);
        el.setAttribute("data-admin1", String(Object.keys(loadedAdmin1).length));
        fc.features.forEach(function (f) {
          var p = f.properties;
          if (p.lat !== null && p.lon !== null && p.name) {
            admin1Labels.addLayer(label([p.lat, p.lon], p.name, "admin1-label"));
          }
        });
      });
    });
  }

  fetch("/map/countries.geojson").then(function (r) { return r.json(); }).then(function (fc) {
    L.geoJSON(fc, { pane: "borders", interactive: false,
      style: { color: "#9aa7b0", weight: 1, fillColor: "#fbfaf5", fillOpacity: 1 },
      onEachFeature: function (f, layer) {
        countryShapes.push({ code: f.properties.code, bounds: layer.getBounds() });
      } }).addTo(map);
    fc.features.forEach(function (f) {
      if (f.properties.label) {
        countryLabels[f.properties.min_zoom || 5].addLayer(
          label(f.properties.label, f.properties.name, "country-label"));
      }
    });
    syncLabels();
    loadAdmin1();
    el.setAttribute("data-borders", String(fc.features.length));
  });

  // Incidents: solid when the place is exact, hollow when approximate, dashed when the
  // geocoder was unsure, a small ring when only the province or country is known.
  function radius(killed) {
    return killed ? Math.min(5 + 2.5 * Math.sqrt(killed), 28) : 5;
  }
  function style(point, data) {
    var fill = data.colours[point[3]];
    var precision = data.precisions[point[4]];
    var flags = point[6];
    var exact = data.exact.indexOf(precision) !== -1 && !(flags & data.flags.placed);
    var s = { radius: radius(point[5]), color: fill, weight: 2, fillColor: fill,
              fillOpacity: exact ? 0.75 : 0.08, opacity: 0.9 };
    if (flags & data.flags.uncertain) { s.dashArray = "4 3"; s.fillOpacity = 0.05; }
    if (flags & data.flags.placed) { s.radius = Math.min(s.radius, 7); s.weight = 1.5;
                                     s.dashArray = "2 3"; }
    return s;
  }
  function describe(point, data) {
    var words = point[7] + " — place: " + data.precisions[point[4]];
    if (point[6] & data.flags.uncertain) { words += " (uncertain)"; }
    if (point[6] & data.flags.placed) { words += " (placed at the area's centre)"; }
    if (point[5]) { words += " — killed: " + point[5]; }
    return textNode("span", words);
  }

  var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false,
                                       maxClusterRadius: 45, spiderfyOnMaxZoom: true });
  fetch(el.getAttribute("data-points")).then(function (r) { return r.json(); }).then(function (data) {
    var markers = data.points.map(function (point) {
      var marker = L.circleMarker([point[1], point[2]], style(point, data));
      marker.bindTooltip(describe(point, data), { direction: "top" });
      marker.on("click", function () { window.location.href = "/incidents/" + point[0]; });
      marker.incident = point[0];
      return marker;
    });
    cluster.addLayers(markers);
    map.addLayer(cluster);
    document.getElementById("map-count").textContent = String(markers.length);
    if (data.unplaced) {
      document.getElementById("map-unplaced").textContent = data.unplaced +
        " matching incident" + (data.unplaced === 1 ? " has" : "s have") + " no place and " +
        (data.unplaced === 1 ? "is" : "are") + " not drawn.";
    }
    var box = el.getAttribute("data-bbox");
    if (box) {
      var b = box.split(",").map(Number);
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { animate: false });
    } else if (markers.length) {
      map.fitBounds(cluster.getBounds(), { maxZoom: 7, padding: [30, 30], animate: false });
    }
    el.setAttribute("data-drawn", String(markers.length));
    window.wirewatchMap = { map: map, cluster: cluster, markers: markers };
  });

  // "List the incidents in this view": the list with the view's box as its bbox filter.
  var viewList = document.getElementById("map-view-list");
  function syncViewLink() {
    if (!viewList) { return; }
    var b = map.getBounds();
    var west = Math.max(b.getWest(), -180), east = Math.min(b.getEast(), 180);
    var south = Math.max(b.getSouth(), -90), north = Math.min(b.getNorth(), 90);
    var base = el.getAttribute("data-list") || "/";
    var box = [west, south, east, north].map(function (v) { return v.toFixed(3); }).join(",");
    viewList.href = base + (base.indexOf("?") === -1 ? "?" : "&") + "bbox=" + encodeURIComponent(box);
  }
  map.on("zoomend", syncLabels);
  map.on("moveend", function () { loadAdmin1(); syncViewLink(); });
  syncViewLink();
})();
