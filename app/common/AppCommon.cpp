// Placeholder so the library has a source until the shared CLI code lands.
namespace tconv::app {
int appCommonPlaceholder() { return 0; }
}
