// PNG pictures of charts: librsvg draws the chart's SVG onto a cairo image surface,
// so the two formats can never disagree.
#include <cairo.h>
#include <librsvg/rsvg.h>

#include <cmath>
#include <memory>

#include "mortar/charts/chart.h"

namespace mortar::charts {

namespace {

struct GObjectUnref {
  void operator()(RsvgHandle* handle) const { g_object_unref(handle); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDestroy {
  void operator()(cairo_t* cairo) const { cairo_destroy(cairo); }
};

cairo_status_t AppendPng(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> RenderPng(const std::string& svg, double scale) {
  if (!(scale > 0 && scale <= 8)) return Status::Invalid("the PNG scale must be between 0 and 8");
  GError* error = nullptr;
  std::unique_ptr<RsvgHandle, GObjectUnref> handle(
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error));
  if (handle == nullptr) {
    std::string message = error != nullptr ? error->message : "unknown error";
    if (error != nullptr) g_error_free(error);
    return Status::Internal("cannot read the chart's SVG for the PNG: " + message);
  }
  gdouble width = 0;
  gdouble height = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &width, &height) || width <= 0 ||
      height <= 0) {
    return Status::Internal("the chart's SVG has no size in pixels");
  }
  int pixels_wide = static_cast<int>(std::ceil(width * scale));
  int pixels_high = static_cast<int>(std::ceil(height * scale));
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pixels_wide, pixels_high));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal("cannot create a " + std::to_string(pixels_wide) + "x" +
                            std::to_string(pixels_high) + " image");
  }
  std::unique_ptr<cairo_t, ContextDestroy> cairo(cairo_create(surface.get()));
  RsvgRectangle viewport{0, 0, static_cast<double>(pixels_wide), static_cast<double>(pixels_high)};
  if (!rsvg_handle_render_document(handle.get(), cairo.get(), &viewport, &error)) {
    std::string message = error != nullptr ? error->message : "unknown error";
    if (error != nullptr) g_error_free(error);
    return Status::Internal("cannot draw the chart as PNG: " + message);
  }
  std::string png;
  cairo_surface_flush(surface.get());
  if (cairo_surface_write_to_png_stream(surface.get(), AppendPng, &png) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal("cannot encode the chart as PNG");
  }
  return png;
}

}  // namespace mortar::charts

#if defined(__SANITIZE_ADDRESS__)
// fontconfig, which librsvg uses for text, keeps its parsed configuration for the
// life of the process on purpose; LeakSanitizer should not count that as our leak.
// Defined here so that every binary that can draw a PNG carries it.
extern "C" __attribute__((visibility("default"), used)) const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}
#endif
