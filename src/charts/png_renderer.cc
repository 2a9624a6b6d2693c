// PNG pictures of charts: librsvg draws the chart's SVG onto a cairo image surface,
// so the two formats can never disagree. librsvg is loaded on the first picture, not
// linked: it brings some forty libraries (cairo, pango, glib, fontconfig, X11) that
// every other command would otherwise load, and resolve, at start (10 ms each time).
#include <cairo.h>
#include <dlfcn.h>
#include <librsvg/rsvg.h>

#include <cmath>
#include <memory>

#include "mortar/charts/chart.h"

namespace mortar::charts {

namespace {

// librsvg's, cairo's and GLib's functions the renderer calls, found in the library
// once; the declarations in their headers give each pointer its type.
struct DrawingLibrary {
  decltype(&rsvg_handle_new_from_data) new_handle = nullptr;
  decltype(&rsvg_handle_get_intrinsic_size_in_pixels) size_in_pixels = nullptr;
  decltype(&rsvg_handle_render_document) render_document = nullptr;
  decltype(&g_object_unref) object_unref = nullptr;
  decltype(&g_error_free) error_free = nullptr;
  decltype(&cairo_image_surface_create) image_surface_create = nullptr;
  decltype(&cairo_surface_status) surface_status = nullptr;
  decltype(&cairo_surface_flush) surface_flush = nullptr;
  decltype(&cairo_surface_write_to_png_stream) write_png_stream = nullptr;
  decltype(&cairo_surface_destroy) surface_destroy = nullptr;
  decltype(&cairo_create) create = nullptr;
  decltype(&cairo_destroy) destroy = nullptr;
};

constexpr const char* kLibrary = "librsvg-2.so.2";

template <typename Function>
bool Find(void* library, const char* name, Function& function) {
  function = reinterpret_cast<Function>(dlsym(library, name));
  return function != nullptr;
}

// Loaded on first use and kept for the life of the process (never closed: GLib does not
// support being unloaded). An error says what is missing and what to install.
Result<const DrawingLibrary*> Drawing() {
  static const Result<const DrawingLibrary*> loaded = []() -> Result<const DrawingLibrary*> {
    void* library = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      const char* why = dlerror();
      return Status::Internal(std::string("drawing a chart as PNG needs ") + kLibrary + " (" +
                              (why != nullptr ? why : "not found") +
                              "); install librsvg (Debian: librsvg2-2), or ask for SVG");
    }
    static DrawingLibrary drawing;
    bool found =
        Find(library, "rsvg_handle_new_from_data", drawing.new_handle) &&
        Find(library, "rsvg_handle_get_intrinsic_size_in_pixels", drawing.size_in_pixels) &&
        Find(library, "rsvg_handle_render_document", drawing.render_document) &&
        Find(library, "g_object_unref", drawing.object_unref) &&
        Find(library, "g_error_free", drawing.error_free) &&
        Find(library, "cairo_image_surface_create", drawing.image_surface_create) &&
        Find(library, "cairo_surface_status", drawing.surface_status) &&
        Find(library, "cairo_surface_flush", drawing.surface_flush) &&
        Find(library, "cairo_surface_write_to_png_stream", drawing.write_png_stream) &&
        Find(library, "cairo_surface_destroy", drawing.surface_destroy) &&
        Find(library, "cairo_create", drawing.create) &&
        Find(library, "cairo_destroy", drawing.destroy);
    if (!found) {
      return Status::Internal(std::string(kLibrary) +
                              " lacks a function PNG charts need (librsvg 2.52 and later have "
                              "them all); upgrade librsvg, or ask for SVG");
    }
    return &drawing;
  }();
  return loaded;
}

cairo_status_t AppendPng(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string ErrorText(const DrawingLibrary& drawing, GError* error) {
  if (error == nullptr) return "unknown error";
  std::string message = error->message;
  drawing.error_free(error);
  return message;
}

}  // namespace

Result<std::string> RenderPng(const std::string& svg, double scale) {
  if (!(scale > 0 && scale <= 8)) return Status::Invalid("the PNG scale must be between 0 and 8");
  MORTAR_ASSIGN_OR_RETURN(const DrawingLibrary* loaded, Drawing());
  const DrawingLibrary& drawing = *loaded;
  GError* error = nullptr;
  auto unref = [&drawing](RsvgHandle* handle) { drawing.object_unref(handle); };
  std::unique_ptr<RsvgHandle, decltype(unref)> handle(
      drawing.new_handle(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error), unref);
  if (handle == nullptr)
    return Status::Internal("cannot read the chart's SVG for the PNG: " +
                            ErrorText(drawing, error));
  gdouble width = 0;
  gdouble height = 0;
  if (!drawing.size_in_pixels(handle.get(), &width, &height) || width <= 0 || height <= 0)
    return Status::Internal("the chart's SVG has no size in pixels");
  int pixels_wide = static_cast<int>(std::ceil(width * scale));
  int pixels_high = static_cast<int>(std::ceil(height * scale));
  std::unique_ptr<cairo_surface_t, decltype(drawing.surface_destroy)> surface(
      drawing.image_surface_create(CAIRO_FORMAT_ARGB32, pixels_wide, pixels_high),
      drawing.surface_destroy);
  if (drawing.surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal("cannot create a " + std::to_string(pixels_wide) + "x" +
                            std::to_string(pixels_high) + " image");
  }
  std::unique_ptr<cairo_t, decltype(drawing.destroy)> cairo(drawing.create(surface.get()),
                                                            drawing.destroy);
  RsvgRectangle viewport{0, 0, static_cast<double>(pixels_wide), static_cast<double>(pixels_high)};
  if (!drawing.render_document(handle.get(), cairo.get(), &viewport, &error))
    return Status::Internal("cannot draw the chart as PNG: " + ErrorText(drawing, error));
  std::string png;
  drawing.surface_flush(surface.get());
  if (drawing.write_png_stream(surface.get(), AppendPng, &png) != CAIRO_STATUS_SUCCESS)
    return Status::Internal("cannot encode the chart as PNG");
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
