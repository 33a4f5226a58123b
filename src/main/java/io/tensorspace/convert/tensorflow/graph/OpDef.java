package io.tensorspace.convert.tensorflow.graph;

import java.util.List;

/** A function's signature: its name and the names of its input and output arguments. */
public final class OpDef {
  private final String name;
  private final List<ArgDef> inputArg;
  private final List<ArgDef> outputArg;

  public OpDef(String name, List<ArgDef> inputArg, List<ArgDef> outputArg) {
    this.name = name;
    this.inputArg = List.copyOf(inputArg);
    this.outputArg = List.copyOf(outputArg);
  }

  public String getName() {
    return name;
  }

  public int getInputArgCount() {
    return inputArg.size();
  }

  public ArgDef getInputArg(int i) {
    return inputArg.get(i);
  }

  public List<ArgDef> getOutputArgList() {
    return outputArg;
  }

  public int getOutputArgCount() {
    return outputArg.size();
  }

  public ArgDef getOutputArg(int i) {
    return outputArg.get(i);
  }

  /** An argument, by name. */
  public static final class ArgDef {
    private final String name;

    public ArgDef(String name) {
      this.name = name;
    }

    public String getName() {
      return name;
    }
  }
}
