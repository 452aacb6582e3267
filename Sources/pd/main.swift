import PortDaddyCLI

await PDMain.run()
