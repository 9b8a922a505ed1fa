cmd_/work/main/modules.order := {   cat /work/main/crypto/async_engine/modules.order; :; } > /work/main/modules.order
