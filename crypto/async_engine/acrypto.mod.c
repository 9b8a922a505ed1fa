#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/build-salt.h>
#include <linux/elfnote-lto.h>
#include <linux/export-internal.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

BUILD_SALT;
BUILD_LTO_INFO;

MODULE_INFO(vermagic, VERMAGIC_STRING);
MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};

#ifdef CONFIG_RETPOLINE
MODULE_INFO(retpoline, "Y");
#endif

SYMBOL_CRC(acrypto_device_list, 0x4e274e7e, "_gpl");
SYMBOL_CRC(acrypto_device_alloc, 0x45739522, "_gpl");
SYMBOL_CRC(acrypto_device_free, 0x072ae88b, "_gpl");
SYMBOL_CRC(acrypto_device_register, 0x7c294007, "_gpl");
SYMBOL_CRC(acrypto_device_unregister, 0x4f3ae5b4, "_gpl");
SYMBOL_CRC(acrypto_device_set_broken, 0xe85762d3, "_gpl");
SYMBOL_CRC(acrypto_device_cap, 0x93dc847b, "_gpl");
SYMBOL_CRC(acrypto_device_can_serve, 0xfb985f79, "_gpl");
SYMBOL_CRC(acrypto_device_load, 0x7f987c33, "_gpl");
SYMBOL_CRC(acrypto_session_init, 0x569b2938, "_gpl");
SYMBOL_CRC(acrypto_session_submit, 0x0a2b5110, "_gpl");
SYMBOL_CRC(acrypto_session_complete, 0x1c1359f6, "_gpl");
SYMBOL_CRC(acrypto_device_unblock, 0x3ae8f10d, "_gpl");
SYMBOL_CRC(acrypto_lb_register, 0x64dff6d6, "_gpl");
SYMBOL_CRC(acrypto_lb_unregister, 0xb444e832, "_gpl");

static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0xe7a02573, "ida_alloc_range" },
	{ 0xe20e4455, "try_module_get" },
	{ 0xa7d5f92e, "ida_destroy" },
	{ 0xa7dbde55, "__class_create" },
	{ 0x91c14d8d, "param_ops_uint" },
	{ 0x8d522714, "__rcu_read_lock" },
	{ 0x7f02188f, "__msecs_to_jiffies" },
	{ 0xb38a2df9, "dev_set_name" },
	{ 0x222e7ce2, "sysfs_streq" },
	{ 0xd869872e, "device_unregister" },
	{ 0x92540fbf, "finish_wait" },
	{ 0xfd11e3f7, "class_destroy" },
	{ 0x4d03a9f9, "device_initialize" },
	{ 0x37a0cba, "kfree" },
	{ 0x8c26d495, "prepare_to_wait_event" },
	{ 0xe2964344, "__wake_up" },
	{ 0xb19a5453, "__per_cpu_offset" },
	{ 0x49cc379d, "__dynamic_dev_dbg" },
	{ 0xba8fbd64, "_raw_spin_lock" },
	{ 0xcbd4898c, "fortify_panic" },
	{ 0x34efc576, "class_create_file_ns" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0xe783e261, "sysfs_emit" },
	{ 0x318ee5ac, "sysfs_notify" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x92997ed8, "_printk" },
	{ 0x1d24c881, "___ratelimit" },
	{ 0x1000e51, "schedule" },
	{ 0xa19b956, "__stack_chk_fail" },
	{ 0xb2fcb56d, "queue_delayed_work_on" },
	{ 0xe46021ca, "_raw_spin_unlock_bh" },
	{ 0xab30ec32, "put_device" },
	{ 0xa916b694, "strnlen" },
	{ 0x6383b27c, "__x86_indirect_thunk_rdx" },
	{ 0xb0aa812e, "fips_enabled" },
	{ 0xbb462483, "_dev_info" },
	{ 0xa59b97f5, "module_put" },
	{ 0xfe487975, "init_wait_entry" },
	{ 0x68f31cbd, "__list_add_valid" },
	{ 0x6896cc3c, "crypto_register_skcipher" },
	{ 0x57bc19d2, "down_write" },
	{ 0x7a945ae2, "_dev_err" },
	{ 0xce807a25, "up_write" },
	{ 0x6091797f, "synchronize_rcu" },
	{ 0x46be88df, "device_add" },
	{ 0x2469810f, "__rcu_read_unlock" },
	{ 0x4dfa8d4b, "mutex_lock" },
	{ 0xd0760fc0, "kfree_sensitive" },
	{ 0x2145a850, "crypto_unregister_skcipher" },
	{ 0xffb7c514, "ida_free" },
	{ 0x53a1e8d9, "_find_next_bit" },
	{ 0xe1537255, "__list_del_entry_valid" },
	{ 0x3c3fce39, "__local_bh_enable_ip" },
	{ 0xd156a8df, "device_del" },
	{ 0x124bad4d, "kstrtobool" },
	{ 0x9e683f75, "__cpu_possible_mask" },
	{ 0x156696d3, "_dev_warn" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x17de3d5, "nr_cpu_ids" },
	{ 0xd9a5ea54, "__init_waitqueue_head" },
	{ 0x5a44f8cb, "__crypto_memneq" },
	{ 0x668b19a1, "down_read" },
	{ 0xe2d5255a, "strcmp" },
	{ 0xc9ec4e21, "free_percpu" },
	{ 0x15ba50a6, "jiffies" },
	{ 0xff4d0eba, "device_create_with_groups" },
	{ 0xdd64e639, "strscpy" },
	{ 0x1ac5d3cb, "strcspn" },
	{ 0x7a2af7b4, "cpu_number" },
	{ 0x4629334c, "__preempt_count" },
	{ 0x3213f038, "mutex_unlock" },
	{ 0x9fa7184a, "cancel_delayed_work_sync" },
	{ 0x949f7342, "__alloc_percpu" },
	{ 0x66cca4f9, "__x86_indirect_thunk_rcx" },
	{ 0x66b4cc41, "kmemdup" },
	{ 0xb43f9365, "ktime_get" },
	{ 0xffeedf6a, "delayed_work_timer_fn" },
	{ 0xc3690fc, "_raw_spin_lock_bh" },
	{ 0x754d539c, "strlen" },
	{ 0x69e0fbdc, "param_ops_int" },
	{ 0x349cba85, "strchr" },
	{ 0xb5b54b34, "_raw_spin_unlock" },
	{ 0x53b954a2, "up_read" },
	{ 0x99f2d00a, "sysfs_emit_at" },
	{ 0xeb233a45, "__kmalloc" },
	{ 0xe2c17b5d, "__SCT__might_resched" },
	{ 0x927d8c7c, "class_remove_file_ns" },
	{ 0x9a1dfd65, "strpbrk" },
	{ 0x2d3385d3, "system_wq" },
	{ 0x9060323f, "module_layout" },
};

MODULE_INFO(depends, "");

