from charter_cli.cli import main

main()
