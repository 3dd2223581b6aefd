// Every map of Massline, drawn with the vendored Leaflet (web/static/vendor/leaflet/). No inline script
// (the CSP forbids it): the page carries its data in JSON blocks (Django's json_script) and marks
//   - a display map:  <div data-map="ID"> with <script type="application/json" id="ID"> holding
//     {areas: GeoJSON FeatureCollection (properties label, shown, url, colour), legend: [{colour, label}],
//      title, points: [{lat, lon, label, status, statusLabel, url}]};
//   - a place picker: <div data-map-picker> around an input[data-map-lat] and an input[data-map-lon].
// The page-wide settings (tile server, where pickers open, words in the page's language) come from the
// block "map-config" ({% map_config %}). When the tile server cannot be reached (no network, blocked,
// or none configured) the map drops the tile layer and draws areas and points on a plain background,
// with a short note: never a grid of broken images. Without JavaScript, pickers stay typed inputs.
(function () {
  "use strict";
  var config = { tiles: null, frame: null, outlines: null, text: {} };
  var TILE_TIMEOUT_MS = 6000;

  function readJSON(id) {
    var node = id && document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function t(key) { return (config.text && config.text[key]) || ""; }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function note(box, key) {
    var figure = box.parentNode;
    var p = figure.querySelector(".map-note");
    if (!p) {
      p = document.createElement("p");
      p.className = "map-note";
      p.setAttribute("role", "status");
      box.insertAdjacentElement("afterend", p);
    }
    p.textContent = t(key);
  }

  // One probe per page: a single tile image, before any tile layer exists, so an unreachable server costs
  // one failed request and never a grid of broken images. Calls back with true (reachable) or false.
  var probe = null, probeWaiting = [];
  function probeTiles(map, done) {
    if (probe !== null) { done(probe); return; }
    probeWaiting.push(done);
    if (probeWaiting.length > 1) { return; }
    var z = Math.max(0, Math.round(map.getZoom() || 0));
    var at = map.project(map.getCenter(), z).divideBy(256).floor();
    var url = window.L.Util.template(config.tiles.url, { s: "a", x: at.x, y: at.y, z: z, r: "" });
    var img = new Image(), settled = false;
    function finish(ok) {
      if (settled) { return; }
      settled = true;
      probe = ok;
      probeWaiting.forEach(function (f) { f(ok); });
      probeWaiting = [];
    }
    img.onload = function () { finish(true); };
    img.onerror = function () { finish(false); };
    window.setTimeout(function () { finish(false); }, TILE_TIMEOUT_MS);
    img.src = url;
  }

  // A Leaflet map in `box`; call ready() once it has its view, to add the tiles or the plain fallback.
  function baseMap(box) {
    var map = window.L.map(box, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.zoomControl.getContainer().querySelector(".leaflet-control-zoom-in").title = t("zoomIn");
    map.zoomControl.getContainer().querySelector(".leaflet-control-zoom-out").title = t("zoomOut");
    function plain(key) {
      box.classList.add("map-plain");
      box.dataset.tiles = "none";
      note(box, key);
    }
    // The visible box, for the e2e tests to check where a click lands (south,west,north,east).
    map.on("moveend zoomend", function () {
      var b = map.getBounds();
      box.dataset.bounds = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (v) { return v.toFixed(6); }).join(",");
    });
    map.ready = function () {
      if (!config.tiles || !config.tiles.url) { plain("plain"); return; }
      box.dataset.tiles = "probing";
      probeTiles(map, function (ok) {
        if (!ok) { plain("noTiles"); return; }
        var layer = window.L.tileLayer(config.tiles.url, {
          attribution: escapeHtml(config.tiles.attribution || ""),
          maxZoom: 19
        });
        // A server that answers the probe but fails later leaves Leaflet's empty tiles (alt="", no icon).
        layer.on("tileload", function () { box.dataset.tiles = "loaded"; });
        layer.addTo(map);
      });
    };
    return map;
  }

  function fit(map, layers) {
    var bounds = null;
    layers.forEach(function (layer) {
      if (!layer) { return; }
      var b = layer.getBounds ? layer.getBounds() : null;
      if (b && b.isValid()) { bounds = bounds ? bounds.extend(b) : window.L.latLngBounds(b.getSouthWest(), b.getNorthEast()); }
    });
    if (bounds) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 16 });
    } else if (config.frame) {
      map.fitBounds(config.frame);
    } else {
      map.setView([0, 0], 2);
    }
  }

  function legendControl(data) {
    var control = window.L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = window.L.DomUtil.create("div", "map-legend-box");
      if (data.title) {
        var title = window.L.DomUtil.create("p", "map-legend-title", div);
        title.textContent = data.title;
      }
      (data.legend || []).forEach(function (entry) {
        var row = window.L.DomUtil.create("p", "map-legend-row", div);
        var swatch = window.L.DomUtil.create("span", "map-legend-swatch", row);
        swatch.style.background = entry.colour; // CSSOM, allowed by style-src 'self'
        row.appendChild(document.createTextNode(entry.label));
      });
      return div;
    };
    return control;
  }

  function go(url) { return function () { if (url) { window.location.href = url; } }; }

  function drawMap(box) {
    var data = readJSON(box.dataset.map);
    if (!data || !window.L) { return; }
    var map = baseMap(box);
    var areas = null, points = null;
    if (data.areas && data.areas.features && data.areas.features.length) {
      var few = data.areas.features.length <= 12;
      areas = window.L.geoJSON(data.areas, {
        style: function (feature) {
          return { fillColor: feature.properties.colour, fillOpacity: 0.65, color: "#374151", weight: 1.5, className: "map-area" };
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          // A few areas carry their names and figures on the map; many get them on hover only.
          if (few) {
            layer.bindTooltip(escapeHtml(p.label) + (p.shown ? "<br>" + escapeHtml(p.shown) : ""),
              { permanent: true, direction: "center", className: "map-area-label" });
          } else {
            layer.bindTooltip(escapeHtml(p.label) + (p.shown ? ": " + escapeHtml(p.shown) : ""), { sticky: true });
          }
          if (p.url) { layer.on("click", go(p.url)); }
        }
      }).addTo(map);
    }
    if (data.points && data.points.length) {
      points = window.L.featureGroup();
      // Smaller dots when there are many, so the areas' colours stay visible under them.
      var radius = data.points.length > 400 ? 3 : data.points.length > 100 ? 4.5 : 7;
      data.points.forEach(function (p) {
        var marker = window.L.circleMarker([p.lat, p.lon], {
          radius: radius, weight: radius > 4 ? 1.5 : 0.75, color: "#ffffff", fillOpacity: 0.9, className: "map-point status-" + p.status
        });
        marker.bindTooltip(escapeHtml(p.label) + (p.statusLabel ? " · " + escapeHtml(p.statusLabel) : ""));
        if (p.url) { marker.on("click", go(p.url)); }
        points.addLayer(marker);
      });
      points.addTo(map);
    }
    if (data.legend && data.legend.length) { legendControl(data).addTo(map); }
    fit(map, [areas, points]);
    map.ready();
    box.dataset.areas = areas ? data.areas.features.length : 0;
    box.dataset.points = data.points ? data.points.length : 0;
    box.classList.add("map-ready");
  }

  function picker(holder) {
    var latInput = holder.querySelector("input[data-map-lat]");
    var lonInput = holder.querySelector("input[data-map-lon]");
    if (!latInput || !lonInput || !window.L) { return; }
    var block = document.createElement("div");
    block.className = "map-picker";
    var help = document.createElement("p");
    help.className = "form-help";
    help.textContent = t("pickHelp");
    var box = document.createElement("div");
    box.className = "map-box map-picker-box";
    var tools = document.createElement("p");
    tools.className = "map-picker-tools";
    var locate = document.createElement("button");
    locate.type = "button";
    locate.className = "button button-secondary map-locate";
    locate.textContent = t("locate");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "button-link map-clear";
    clear.textContent = t("clear");
    var status = document.createElement("p");
    status.className = "map-picker-status";
    status.setAttribute("aria-live", "polite");
    tools.appendChild(locate);
    tools.appendChild(document.createTextNode(" "));
    tools.appendChild(clear);
    block.appendChild(help);
    block.appendChild(box);
    block.appendChild(tools);
    block.appendChild(status);
    holder.parentNode.insertBefore(block, holder);
    // The typed coordinates stay reachable (and submitted) in a closed disclosure.
    var details = document.createElement("details");
    details.className = "map-coordinates";
    var summary = document.createElement("summary");
    summary.textContent = t("typeCoordinates");
    details.appendChild(summary);
    holder.parentNode.insertBefore(details, holder);
    details.appendChild(holder);
    if (holder.querySelector(".errorlist")) { details.open = true; }

    var map = baseMap(box);
    var outline = null;
    if (config.outlines && config.outlines.features && config.outlines.features.length) {
      outline = window.L.geoJSON(config.outlines, {
        style: { color: "#374151", weight: 1.5, fill: false, className: "map-outline" },
        interactive: false
      }).addTo(map);
    }
    var marker = null;
    function show(lat, lon, zoom) {
      if (marker) { marker.setLatLng([lat, lon]); } else {
        marker = window.L.circleMarker([lat, lon], { radius: 9, weight: 3, color: "#ffffff", fillColor: "#9b1b1f", fillOpacity: 1, className: "map-picked" }).addTo(map);
      }
      if (zoom) { map.setView([lat, lon], zoom); }
    }
    function set(lat, lon, message) {
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      [latInput, lonInput].forEach(function (input) { input.dispatchEvent(new Event("change", { bubbles: true })); });
      show(lat, lon);
      status.textContent = message || t("picked").replace("%(lat)s", latInput.value).replace("%(lon)s", lonInput.value);
      box.dataset.picked = latInput.value + "," + lonInput.value;
    }
    function typed() {
      var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
      if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) { show(lat, lon, 15); }
    }
    var lat0 = parseFloat(latInput.value), lon0 = parseFloat(lonInput.value);
    fit(map, [outline]);
    if (isFinite(lat0) && isFinite(lon0)) { show(lat0, lon0, 15); }
    map.ready();
    map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); });
    latInput.addEventListener("change", function (e) { if (e.isTrusted) { typed(); } });
    lonInput.addEventListener("change", function (e) { if (e.isTrusted) { typed(); } });
    clear.addEventListener("click", function () {
      latInput.value = "";
      lonInput.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      status.textContent = "";
      delete box.dataset.picked;
    });
    if (!navigator.geolocation) { locate.hidden = true; }
    locate.addEventListener("click", function () {
      status.textContent = t("locating");
      navigator.geolocation.getCurrentPosition(function (pos) {
        set(pos.coords.latitude, pos.coords.longitude, t("located"));
        map.setView([pos.coords.latitude, pos.coords.longitude], 16);
      }, function () {
        status.textContent = t("locateFailed");
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
    box.classList.add("map-ready");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var read = readJSON("map-config");
    if (read) { config = read; }
    document.querySelectorAll("[data-map]").forEach(drawMap);
    document.querySelectorAll("[data-map-picker]").forEach(picker);
  });
})();
