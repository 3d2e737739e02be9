# Installed into .venv/etc/ipython/ by `make setup`: IPython's config for the kernels that
# Quarto's Jupyter engine starts with the project's Python.
#
# ipykernel 7 logs "Kernel is running over TCP without encryption" at every start unless
# the kernel manager hands it CurveZMQ keys, which Quarto's engine (nbclient's default
# KernelManager, config files not read) never does. The kernel listens on 127.0.0.1 for
# the one Quarto process that started it; the line is noise in every render's log. The
# kernel application logs errors still; warnings of the code it runs are not affected.
c = get_config()  # noqa: F821 (defined by IPython when it reads this file)
c.IPKernelApp.log_level = "ERROR"
