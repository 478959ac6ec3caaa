#include "common/ConvSettings.h"

#include "core/ConvError.h"

namespace tconv::app {

// Placeholder: the full option parser lands with the CLI.
Size2 parseSize2(const std::string& option, const std::string& value) {
    throw ParameterError(option + ": cannot parse '" + value + "' yet");
}

}  // namespace tconv::app
